"""Login by PIN, quick switch of cashier, automatic lock after inactivity.

The panel's session is a row (services/panel_sessions.py): the signed cookie names it by a random key, and
each request checks that the row has not ended. The login page offers what the browser's till device allows
(services/till_devices.py); this module only parses the form and renders.
"""
from __future__ import annotations

import functools
from datetime import datetime, timedelta

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from pos_loyalty.core.errors import DomainError
from pos_loyalty.models import PanelSession, Staff
from pos_loyalty.panel.messages import say
from pos_loyalty.runtime import runtime
from pos_loyalty.services.panel_sessions import end_session, open_session, session_in_force
from pos_loyalty.services.staff import remember_language
from pos_loyalty.services.staff_login import log_in
from pos_loyalty.services.setup import ensure_salon
from pos_loyalty.services.till_devices import device_still_bound, login_scope

bp = Blueprint("panel_auth", __name__, static_folder="static", static_url_path="/panel/static",
               template_folder="templates")

DEVICE_COOKIE = "pos_loyalty_device"
PANEL_BLUEPRINTS = ("panel_auth", "checkout", "display", "manage", "devices")
DEVICE_COOKIE_LIFETIME = timedelta(days=400)  # the longest a browser keeps a cookie; renewed at each login


class PanelUser:
    """Flask-Login's view of a signed-in staff member: its id is the session's key, never the staff id,
    so that ending the session row signs the browser out whatever copy of the cookie it holds."""

    is_authenticated, is_active, is_anonymous = True, True, False

    def __init__(self, staff: Staff, key: str, panel_session: PanelSession | None = None):
        self.staff = staff
        self.key = key
        self.panel_session = panel_session

    def get_id(self) -> str:
        return self.key

    @property
    def is_manager(self) -> bool:
        return self.staff.role == "manager"


def load_user(key: str) -> PanelUser | None:
    found = session_in_force(key)
    if found is None:
        return None
    device_id = session.get("device_id")
    if device_id is not None and not device_still_bound(device_id):
        return None  # a manager unbound this device: whoever was signed in on it is out
    panel_session, staff = found
    return PanelUser(staff, key, panel_session)


def end_current_session(reason: str) -> None:
    if current_user.is_authenticated:
        end_session(current_user.key, reason)
    logout_user()


def staff_required(manager: bool = False, needs_till: bool = True):
    """Signed in, not idle for too long; managers only when asked; at a till unless told otherwise (a
    manager on a chain's unbound device first binds it)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("panel_auth.login", next=request.path))
            now = runtime().now()
            last = session.get("last_seen")
            idle = (now - datetime.fromisoformat(last)).total_seconds() if last else 0
            if idle > current_app.config["PANEL_IDLE_MINUTES"] * 60:
                end_current_session("idle")
                flash(_("Locked after inactivity: type your PIN again."), "info")
                return redirect(url_for("panel_auth.login"))
            if manager and not current_user.is_manager:
                abort(403)
            if needs_till and session.get("till_id") is None:
                if current_user.is_manager:
                    return redirect(url_for("devices.index"))
                end_current_session("no_till")
                return redirect(url_for("panel_auth.login"))
            if not request.path.startswith("/display"):  # the client's screen never keeps a till awake
                session["last_seen"] = now.isoformat()
            return view(*args, **kwargs)

        return wrapper

    return decorator


def staff_id_of(typed: str) -> int:
    """The staff tile's id; ValueError (a bad request) for anything the login page could not have sent."""
    typed = typed.strip() or "0"
    if not typed.isdigit() or int(typed) > 2**31 - 1:
        raise ValueError(f"not a staff id: {typed[:20]!r}")
    return int(typed)


def device_key() -> str | None:
    return request.cookies.get(DEVICE_COOKIE)


def set_device_cookie(response, key: str):
    response.set_cookie(DEVICE_COOKIE, key, max_age=int(DEVICE_COOKIE_LIFETIME.total_seconds()), path="/",
                        httponly=True, samesite="Lax", secure=bool(current_app.config["SECURE_COOKIES"]))
    return response


def render_login(scope, status: int = 200, chosen: str | None = None, till_code: str | None = None):
    response = current_app.make_response((render_template(
        "login.html", scope=scope, staff=scope.staff, tills=scope.tills, chosen=chosen,
        till_code=till_code or session.get("till_code")), status))
    if scope.device is not None:
        set_device_cookie(response, device_key())  # a till in daily use keeps its binding
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    ensure_salon()
    scope = login_scope(device_key())
    if request.method == "GET":
        return render_login(scope)
    try:
        staff = log_in(staff_id_of(request.form.get("staff_id", "")), request.form.get("pin", ""),
                       salon_id=scope.salon.id if scope.salon else None, managers_only=scope.managers_only)
        till = scope.till_for(request.form.get("till"))
    except DomainError as error:
        flash(say(error), "error")
        return render_login(scope, 401, request.form.get("staff_id"), request.form.get("till"))
    except ValueError:
        abort(400)
    language = login_language(staff)
    session.clear()  # nothing of the previous cashier's session survives, nor can it be fixed in advance
    login_user(PanelUser(staff, open_session(staff, till.id if till else None)))
    session.update(till_id=till.id if till else None, till_code=till.code if till else "", salon_id=staff.salon_id,
                   device_id=scope.device.id if scope.device else None, last_seen=runtime().now().isoformat())
    if language:
        session["lang"] = language
    if till is None:
        return redirect(url_for("devices.index"))  # a manager on a device no one has bound yet
    target = request.args.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("checkout.index"))


@bp.route("/logout", methods=["POST"])
def logout():
    till_code, language = session.get("till_code"), session.get("lang")
    end_current_session("logout")
    session.clear()
    session["till_code"] = till_code  # the next cashier stays on the same till
    if language:
        session["lang"] = language
    return redirect(url_for("panel_auth.login"))


def login_language(staff: Staff) -> str | None:
    """The language the panel speaks once signed in: the one chosen on the login page just before (then
    remembered for this staff member), else the staff member's remembered one, else the language the login
    page was showing (none: the salon's)."""
    chosen = session.get("lang")
    if chosen and session.get("lang_picked"):
        remember_language(staff.id, chosen)
        return chosen
    return staff.language or chosen


def choose_language(language: str | None) -> None:
    """A language picked by its button (or `?lang=` on a URL): it lasts for the session; signed in, it is
    remembered for the staff member; before login, it wins over theirs at the login that follows."""
    if language not in ("fr", "en", "it"):
        return
    session["lang"] = language
    if current_user.is_authenticated:
        if current_user.staff.language != language:
            remember_language(current_user.staff.id, language)
    else:
        session["lang_picked"] = True


@bp.route("/language", methods=["POST"])
def language():
    choose_language(request.form.get("lang"))
    return redirect(request.referrer or url_for("checkout.index"))


@bp.before_app_request
def language_from_url():
    """`?lang=fr` on a panel URL is the same as pressing FR: it lasts (the API ignores it)."""
    if request.blueprint in PANEL_BLUEPRINTS and request.method == "GET" and "lang" in request.args:
        choose_language(request.args.get("lang"))


def throttle_logins(app: Flask) -> Limiter:
    """Wrong PINs per client address (LOGIN_RATE), on top of the per-staff lock: many names tried from
    one till are refused for a while (429). Only refused logins count, so that cashiers switching all day
    never meet it."""
    limiter = Limiter(get_remote_address, storage_uri=app.config["LOGIN_RATE_STORAGE"], strategy="moving-window",
                      headers_enabled=True, key_prefix="pos_loyalty_login")
    limiter.init_app(app)
    endpoint = "panel_auth.login"
    app.view_functions[endpoint] = limiter.limit(
        lambda: current_app.config["LOGIN_RATE"], methods=["POST"],
        deduct_when=lambda response: response.status_code >= 400)(app.view_functions[endpoint])
    app.extensions["pos_loyalty_login_limiter"] = limiter
    return limiter
