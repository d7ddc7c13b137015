"""Login by PIN, quick switch of cashier, automatic lock after inactivity."""
from __future__ import annotations

import functools
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from pos_loyalty.core.errors import DomainError
from pos_loyalty.extensions import db
from pos_loyalty.models import Staff, Till
from pos_loyalty.panel.messages import say
from pos_loyalty.runtime import runtime
from pos_loyalty.services.setup import ensure_salon
from pos_loyalty.services.staff_login import active_staff, log_in

bp = Blueprint("panel_auth", __name__, static_folder="static", static_url_path="/panel/static",
               template_folder="templates")


class PanelUser:
    """Flask-Login's view of a staff member."""

    is_authenticated, is_active, is_anonymous = True, True, False

    def __init__(self, staff: Staff):
        self.staff = staff

    def get_id(self) -> str:
        return str(self.staff.id)

    @property
    def is_manager(self) -> bool:
        return self.staff.role == "manager"


def load_user(user_id: str):
    staff = db.session.get(Staff, int(user_id)) if user_id.isdigit() else None
    return PanelUser(staff) if staff and staff.active else None


def staff_required(manager: bool = False):
    """Signed in, not idle for too long; managers only when asked."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("panel_auth.login", next=request.path))
            from flask import current_app

            now = runtime().now()
            last = session.get("last_seen")
            idle = (now - datetime.fromisoformat(last)).total_seconds() if last else 0
            if idle > current_app.config["PANEL_IDLE_MINUTES"] * 60:
                logout_user()
                flash(_("Locked after inactivity: type your PIN again."), "info")
                return redirect(url_for("panel_auth.login"))
            if manager and not current_user.is_manager:
                abort(403)
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


@bp.route("/login", methods=["GET", "POST"])
def login():
    salon = ensure_salon()
    tills = list(db.session.scalars(select(Till).where(Till.salon_id == salon.id).order_by(Till.code)))
    if request.method == "POST":
        try:
            staff = log_in(staff_id_of(request.form.get("staff_id", "")), request.form.get("pin", ""))
        except DomainError as error:
            flash(say(error), "error")
            return render_template("login.html", staff=active_staff(salon.id), tills=tills,
                                   chosen=request.form.get("staff_id"), till_code=request.form.get("till")), 401
        except ValueError:
            abort(400)
        till = next((t for t in tills if t.code == request.form.get("till")), tills[0] if tills else None)
        session.clear()
        login_user(PanelUser(staff))
        session.update(till_id=till.id if till else None, salon_id=salon.id,
                       last_seen=runtime().now().isoformat(), till_code=till.code if till else "")
        target = request.args.get("next", "")
        return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("checkout.index"))
    return render_template("login.html", staff=active_staff(salon.id), tills=tills, chosen=None,
                           till_code=session.get("till_code"))


@bp.route("/logout", methods=["POST"])
def logout():
    till_code = session.get("till_code")
    logout_user()
    session.clear()
    session["till_code"] = till_code  # the next cashier stays on the same till
    return redirect(url_for("panel_auth.login"))


@bp.route("/language", methods=["POST"])
def language():
    if request.form.get("lang") in ("fr", "en", "it"):
        session["lang"] = request.form["lang"]
    return redirect(request.referrer or url_for("checkout.index"))
