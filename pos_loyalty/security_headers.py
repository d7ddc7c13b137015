"""Security headers on every answer, the panel's and the API's (flask-talisman).

No inline script anywhere (the panel's only script is panel/static/panel.js), no framing of any page (the
client display opens in a window of its own), no MIME sniffing, no full URLs sent to other sites. HTTPS is
never forced: tills often reach the server over plain HTTP on the salon's LAN; POS_LOYALTY_SECURE_COOKIES
says when it is served over HTTPS, and only then are cookies Secure and HSTS sent.
"""
from __future__ import annotations

from flask import Flask
from flask_talisman import Talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_security_headers(app: Flask) -> Talisman:
    secure = bool(app.config["SECURE_COOKIES"])
    app.config["SESSION_COOKIE_SECURE"] = secure
    talisman = Talisman(app, force_https=False, strict_transport_security=secure,
                        session_cookie_secure=False,  # set just above, from our own switch
                        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
                        content_security_policy=CONTENT_SECURITY_POLICY, frame_options="DENY",
                        referrer_policy="same-origin", x_content_type_options=True)
    app.extensions["pos_loyalty_talisman"] = talisman
    return talisman
