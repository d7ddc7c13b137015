"""The web panel: the cashier's checkout at /, the client's display at /display, managers under /manage.

It calls the same services as the JSON API; it only renders. Login by PIN (Flask-Login, sessions kept
server-side), wrong PINs throttled per client address (Flask-Limiter), till devices bound by a manager
(/devices), CSRF on every form (Flask-WTF), French, English and Italian (Flask-Babel), its own error pages.
"""
from __future__ import annotations


from flask import Flask, request, session
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

LANGUAGES = ("fr", "en", "it")
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()


def select_locale() -> str:
    from pos_loyalty.panel.context import salon_locale

    if request.blueprint == "client_pages":  # a client's card or sign-up: the visitor's language, no session
        from pos_loyalty.panel.client_pages import visitor_language

        return visitor_language()
    for chosen in (request.args.get("lang"), session.get("lang")):  # `?lang=` is also kept (panel/auth.py)
        if chosen in LANGUAGES:
            return chosen
    return salon_locale().split("_")[0]


def init_panel(app: Flask) -> None:
    from pos_loyalty.panel import auth, checkout, client_pages, devices, display, manage
    from pos_loyalty.panel.errors import register_error_pages
    from pos_loyalty.panel.context import register_template_helpers

    app.config.setdefault("PANEL_IDLE_MINUTES", 5)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # a till stays open all day; the session bounds it
    csrf.init_app(app)
    # The JSON API authenticates with bearer tokens, not cookies: its blueprints (those registered through
    # flask-smorest) are exempt. Not flask-smorest's documentation blueprint, which answers GET only (never
    # checked): it is made anew for each app, and the process's one CSRFProtect keeps what it exempts, so
    # each app ever made would stay in memory with it (the test suite makes over a thousand).
    for name in app.extensions["flask-smorest"]["blp_name_to_api"]:
        csrf.exempt(app.blueprints[name])
    login_manager.init_app(app)
    login_manager.login_view = "panel_auth.login"
    login_manager.user_loader(auth.load_user)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(app.root_path.rstrip("/") + "/translations"))
    from pos_loyalty.panel import mail_pages  # noqa: F401 - the mails' unsubscribe pages, on client_pages.bp

    for module in (auth, checkout, display, manage, devices, client_pages):
        app.register_blueprint(module.bp)
    register_template_helpers(app)
    register_error_pages(app)
    auth.throttle_logins(app)
    client_pages.throttle_sign_ups(app)
