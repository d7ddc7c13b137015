"""The "Personal data" box of /manage/clients/<id>: the client's data as a JSON download, and the erasure.

Both call services/privacy.py, as `GET /api/v1/clients/{id}/export` and `DELETE /api/v1/clients/{id}` do.
The erasure asks the manager to type the client's name first (accents, case and spaces do not matter): a
wrong or missing name erases nothing and says so by the field.
"""
from __future__ import annotations

import json

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _

from pos_loyalty.core.errors import DomainError
from pos_loyalty.core.referral import fold
from pos_loyalty.panel.forms import FormErrors, load_form
from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage.clients import showing
from pos_loyalty.panel.manage.page import acting_manager, manager_page, saving
from pos_loyalty.schemas.privacy import ErasureConfirmSchema
from pos_loyalty.services import clients as client_service
from pos_loyalty.services import privacy


@bp.route("/clients/<int:client_id>/export")
@manager_page
def client_export(client_id):
    document = privacy.export_client(acting_manager(), client_id)
    return Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="client-{client_id}-data.json"'})


def same_name(typed: str, name: str) -> bool:
    return " ".join(fold(typed).split()) == " ".join(fold(name).split())


@bp.route("/clients/<int:client_id>/erase", methods=["POST"])
@manager_page
@saving("manage/client.html", **showing("erase"))
def client_erase(client_id):
    client = client_service.get_client(client_id, erased_ok=True)
    if client.erased_at is not None:  # posted twice: the first one did it
        flash(_("This client was erased already."), "info")
        return redirect(url_for("manage.client", client_id=client_id))
    data = load_form(ErasureConfirmSchema(), request.form, ["confirm_name"])
    if not same_name(data["confirm_name"], client.name):
        raise FormErrors({"confirm_name": [_("Type the client's name as it is written above: %(name)s.",
                                             name=client.name)]})
    try:
        privacy.erase_client(acting_manager(), client_id)
    except DomainError as error:
        if error.code == "client_has_open_sale":
            raise FormErrors({"confirm_name": [_("This client has an open sale: pay or cancel it first.")]}) from None
        raise
    flash(_("The client's personal data was erased. Their points and sales stay, under no name."), "ok")
    return redirect(url_for("manage.client", client_id=client_id))
