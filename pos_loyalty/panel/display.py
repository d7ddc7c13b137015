"""The client-facing display: a second screen that follows this till's sale, nothing personal when idle."""
from __future__ import annotations

from flask import Blueprint, render_template

from pos_loyalty.panel.auth import staff_required
from pos_loyalty.panel.checkout import client_panel
from pos_loyalty.panel.context import panel_actor
from pos_loyalty.services import sales
from pos_loyalty.services.context import salon_time
from pos_loyalty.services.sale_view import describe_sale
from pos_loyalty.services.till_screen import screen_of

bp = Blueprint("display", __name__)


@bp.route("/display")
@staff_required()
def page():
    return render_template("display.html")


@bp.route("/display/state")
@staff_required()
def state():
    actor = panel_actor()
    screen = screen_of(actor)
    sale = None
    if screen.sale_id:
        record = sales.get_sale(actor, screen.sale_id)
        sale = describe_sale(record, salon_time(record.salon_id))
    client_id = sale["client_id"] if sale else screen.client_id
    return render_template("_display_state.html", sale=sale, client=client_panel(client_id, sale))
