"""The client-facing display: a second screen that follows this till's sale, nothing personal when idle.

Two ways in: a staff session at a till (the cashier opens it beside the checkout), or a display paired by a
manager on /manage/tills. Opening the pairing link sets a display-only cookie, signed, naming the till and
the pairing: not a staff login, and it opens nothing but this till's display. A new pairing or an unpairing
replaces the till's pairing, after which the old link and every display paired with it stop at once.
"""
from __future__ import annotations

import functools
from datetime import timedelta

from flask import Blueprint, abort, current_app, g, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from pos_loyalty.panel.auth import staff_required
from pos_loyalty.panel.checkout import client_panel
from pos_loyalty.panel.context import panel_actor
from pos_loyalty.services import sales
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.context import salon_time
from pos_loyalty.services.sale_view import describe_sale
from pos_loyalty.services.till_screen import displayed_sale_id, screen_of
from pos_loyalty.services.tills import till_of_display_link, till_of_paired_display

bp = Blueprint("display", __name__)

DISPLAY_COOKIE = "pos_loyalty_display"
DISPLAY_COOKIE_LIFETIME = timedelta(days=400)  # the longest a browser keeps a cookie


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="pos_loyalty.display-pairing")


def paired_till():
    """The till this browser's display cookie names, if its pairing is still the till's current one."""
    raw = request.cookies.get(DISPLAY_COOKIE)
    if not raw:
        return None
    try:
        data = _signer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return till_of_paired_display(data.get("till"), data.get("key"))


def display_page(view):
    """A paired display, or else a signed-in staff member at a till (as before pairing existed)."""
    for_staff = staff_required()(view)

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        till = paired_till()
        if till is not None:
            g.display_actor = Actor("client display", "till", till.salon_id, till.id, channel="panel")
            if not current_user.is_authenticated:
                session["salon_id"] = till.salon_id  # the salon's language and currency
            return view(*args, **kwargs)
        if request.cookies.get(DISPLAY_COOKIE) and not current_user.is_authenticated:
            # Paired once, replaced or unpaired since: say so, on the page and in what it polls (the cookie is
            # kept: forgotten, the next poll would be sent to the login page and show it to the client).
            template = "_display_unpaired.html" if request.endpoint == "display.state" else "display_unpaired.html"
            return make_response(render_template(template), 403)
        return for_staff(*args, **kwargs)

    return wrapper


def display_actor() -> Actor:
    return g.get("display_actor") or panel_actor()


@bp.route("/display")
@display_page
def page():
    return render_template("display.html")


@bp.route("/display/state")
@display_page
def state():
    actor = display_actor()
    screen = screen_of(actor)
    sale = None
    sale_id = displayed_sale_id(actor, screen)
    if sale_id:
        record = sales.get_sale(actor, sale_id)
        sale = describe_sale(record, salon_time(record.salon_id))
    client_id = sale["client_id"] if sale else screen.client_id
    return render_template("_display_state.html", sale=sale, client=client_panel(client_id, sale, actor))


@bp.route("/display/pair/<secret>")
def pair(secret: str):
    """The pairing link, opened on the display's browser: a display cookie for that till, then its screen."""
    till = till_of_display_link(secret)
    if till is None:
        abort(404)  # unknown, or replaced by a newer pairing
    response = redirect(url_for("display.page"))
    response.set_cookie(DISPLAY_COOKIE, _signer().dumps({"till": till.id, "key": till.display_key_hash}),
                        max_age=int(DISPLAY_COOKIE_LIFETIME.total_seconds()), path="/display", httponly=True,
                        samesite="Lax", secure=bool(current_app.config["SECURE_COOKIES"]))
    if not current_user.is_authenticated:
        session["salon_id"] = till.salon_id
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
