"""The "Client card" box of /manage/clients/<id>: the client's card link and QR, and its revocation.

Revoking gives the card a new token: the old link (a lost phone, a card shown to the wrong person) answers
404 from the next request on, and the box shows the new link to hand over.
"""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from pos_loyalty.panel.client_pages import qr_svg
from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage.page import acting_manager, manager_page
from pos_loyalty.services.cards import card_url, revoke_card


@bp.app_template_global("client_card")
def client_card(client) -> dict | None:
    """The box's link and QR code (None for an erased client)."""
    url = card_url(client)
    return {"url": url, "qr": qr_svg(url)} if url else None


@bp.route("/clients/<int:client_id>/card", methods=["POST"])
@manager_page
def client_card_revoke(client_id):
    revoke_card(acting_manager(), client_id)
    flash(_("The client's card has a new link: the old one no longer opens anything. Give the client the new "
            "link or its QR code."), "ok")
    return redirect(url_for("manage.client", client_id=client_id) + "#card")
