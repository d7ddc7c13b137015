"""The "Reward codes" box of /manage/clients/<id>: every milestone code the client was issued (its reward,
state, when, the sale that used it) and "Void" for a code not used yet (a confirm first; the engine's
void_code audits it and writes it in the history).
"""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from pos_loyalty.core.errors import DomainError
from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage.page import acting_manager, manager_page
from pos_loyalty.panel.milestone_words import code_refusal, code_status
from pos_loyalty.services import milestones


@bp.app_template_global("milestone_mode")
def milestone_mode() -> bool:
    return milestones.in_milestone_mode()


@bp.app_template_global("client_code_rows")
def client_code_rows(client) -> list[dict]:
    """The box's rows, newest first (none when the client never had a code)."""
    rows = []
    for code in milestones.client_codes(client.id):
        held = code["status"] == "issued" and code["used_sale_id"] is not None
        state = "held" if held else code["status"]
        rows.append({**code, "state": state, "status_words": code_status(state),
                     "voidable": code["status"] == "issued" and not held})
    return rows


@bp.route("/clients/<int:client_id>/codes/<int:grant_id>/void", methods=["POST"])
@manager_page
def client_code_void(client_id, grant_id):
    try:
        code = milestones.void_code(acting_manager(), grant_id=grant_id, client_id=client_id)
    except DomainError as error:
        if error.status == 404:
            raise
        flash(code_refusal(error), "error")
    else:
        flash(_("Code %(code)s voided: it can no longer be used.", code=code.code), "ok")
    return redirect(url_for("manage.client", client_id=client_id) + "#codes")
