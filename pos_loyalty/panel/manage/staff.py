"""/manage/staff: the salon's staff (who logs in with a PIN), added, given a role or a new PIN, deactivated.

The forms are checked by schemas/staff.py (the PIN rule is core/staff.py's, the command line's too); the
services act on the manager's own salon only, so another salon's staff member is a 404 here.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from pos_loyalty.panel.forms import load_form
from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage.page import acting_manager, manager_page, saving
from pos_loyalty.runtime import runtime
from pos_loyalty.schemas.staff import StaffSchema
from pos_loyalty.services import staff as staff_service

# A service's refusal by the field it concerns. Changing one's own role or deactivating oneself is refused
# in a message of its own: the page offers neither.
FIELD_BY_CODE = {"bad_pin": "pin", "bad_role": "role", "bad_name": "name", "last_manager": "role"}


def role_words(role: str) -> str:
    return {"cashier": _("cashier"), "manager": _("manager")}.get(role, role)


def locked_until(member):
    """When a login locked by wrong PINs opens again (None: not locked)."""
    until = member.locked_until
    return until if until is not None and until > runtime().now() else None


def members() -> list[tuple]:
    return [(member, locked_until(member)) for member in staff_service.list_staff(acting_manager())]


def member_context(staff_id: int) -> dict:
    member = staff_service.staff_member(acting_manager(), staff_id)
    return {"member": member, "locked_until": locked_until(member), "role_words": role_words}


def _member(staff_id: int):
    """The salon's own staff member, looked up before the form is read: another salon's is a 404 whatever
    was posted."""
    return staff_service.staff_member(acting_manager(), staff_id)


@bp.route("/staff", methods=["GET"])
@manager_page
def staff():
    return render_template("manage/staff.html", errors={}, members=members(), role_words=role_words)


@bp.route("/staff", methods=["POST"])
@manager_page
@saving("manage/staff.html", field_by_code=FIELD_BY_CODE, members=members, role_words=lambda: role_words)
def staff_add():
    data = load_form(StaffSchema(), request.form)
    member = staff_service.add_staff(data["name"], data["role"], data["pin"], actor=acting_manager())
    flash(_("%(name)s added as %(role)s: they log in with the PIN you gave.", name=member.name,
            role=role_words(member.role)), "ok")
    return redirect(url_for("manage.staff"))


@bp.route("/staff/<int:staff_id>", methods=["GET"])
@manager_page
def staff_member(staff_id: int):
    return render_template("manage/staff_member.html", errors={}, **member_context(staff_id))


def _on_member_page(view):
    return saving("manage/staff_member.html", field_by_code=FIELD_BY_CODE,
                  **{name: (lambda staff_id, name=name: member_context(staff_id)[name])
                     for name in ("member", "locked_until", "role_words")})(view)


@bp.route("/staff/<int:staff_id>/role", methods=["POST"])
@manager_page
@_on_member_page
def staff_role(staff_id: int):
    before = _member(staff_id).role
    data = load_form(StaffSchema(only=("role",)), request.form)
    member = staff_service.change_role(acting_manager(), staff_id, data["role"])
    if member.role == before:
        flash(_("Nothing changed."), "info")
    else:
        flash(_("%(name)s is now a %(role)s (was %(before)s).", name=member.name, role=role_words(member.role),
                before=role_words(before)), "ok")
    return redirect(url_for("manage.staff"))


@bp.route("/staff/<int:staff_id>/pin", methods=["POST"])
@manager_page
@_on_member_page
def staff_pin(staff_id: int):
    _member(staff_id)
    data = load_form(StaffSchema(only=("pin",)), request.form)
    member = staff_service.change_pin(acting_manager(), staff_id, data["pin"])
    flash(_("New PIN for %(name)s: the old one no longer opens, and their open sessions were closed.",
            name=member.name), "ok")
    return redirect(url_for("manage.staff"))


@bp.route("/staff/<int:staff_id>/deactivate", methods=["POST"])
@manager_page
@_on_member_page
def staff_deactivate(staff_id: int):
    member = staff_service.deactivate_staff(acting_manager(), staff_id)
    flash(_("%(name)s is deactivated: they can no longer log in, and their open sessions were closed.",
            name=member.name), "ok")
    return redirect(url_for("manage.staff"))


@bp.route("/staff/<int:staff_id>/reactivate", methods=["POST"])
@manager_page
@_on_member_page
def staff_reactivate(staff_id: int):
    member = staff_service.reactivate_staff(acting_manager(), staff_id)
    flash(_("%(name)s is active again and logs in with their PIN.", name=member.name), "ok")
    return redirect(url_for("manage.staff"))
