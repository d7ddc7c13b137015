"""Till devices, a manager's page: bind this browser to a till of the salon, unbind it, revoke others."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pos_loyalty.core.errors import DomainError
from pos_loyalty.panel.auth import DEVICE_COOKIE, device_key, set_device_cookie, staff_required
from pos_loyalty.panel.messages import say
from pos_loyalty.services.panel_sessions import move_to_till
from pos_loyalty.services.till_devices import (bind_device, bindable_tills, device_in_force, list_devices,
                                               revoke_device, salon_count)

bp = Blueprint("devices", __name__, url_prefix="/devices")


@bp.route("/")
@staff_required(manager=True, needs_till=False)
def index():
    return render_template("devices/index.html", this_device=device_in_force(device_key()),
                           tills=bindable_tills(current_user.staff), devices=list_devices(current_user.staff.salon_id),
                           chain=salon_count() > 1)


@bp.route("/bind", methods=["POST"])
@staff_required(manager=True, needs_till=False)
def bind():
    try:
        device, key = bind_device(current_user.staff, request.form.get("till", ""), replacing_key=device_key())
    except DomainError as error:
        flash(say(error), "error")
        return redirect(url_for("devices.index"))
    till_code = request.form["till"]
    move_to_till(current_user.key, device.till_id)
    session.update(till_id=device.till_id, till_code=till_code, device_id=device.id)
    flash(_("This device is now the till %(till)s.", till=till_code), "info")
    return set_device_cookie(redirect(url_for("checkout.index")), key)


@bp.route("/unbind", methods=["POST"])
@staff_required(manager=True, needs_till=False)
def unbind():
    """This browser stops being a till (it is being replaced, or lent)."""
    device = device_in_force(device_key())
    if device is not None:
        revoke_device(current_user.staff, device.id)
    session.pop("device_id", None)
    if salon_count() > 1:
        session["till_id"] = None  # a chain's unbound browser is no till until bound again
    response = redirect(url_for("devices.index"))
    response.delete_cookie(DEVICE_COOKIE, path="/")
    return response


@bp.route("/<int:device_id>/revoke", methods=["POST"])
@staff_required(manager=True, needs_till=False)
def revoke(device_id: int):
    """Another device of the salon (lost, stolen, replaced): whoever is signed in on it is out at once."""
    try:
        revoke_device(current_user.staff, device_id)
    except DomainError as error:
        abort(error.status)  # another salon's device does not exist here
    flash(_("The device is unbound."), "info")
    return redirect(url_for("devices.index"))
