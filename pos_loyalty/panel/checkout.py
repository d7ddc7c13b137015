"""The cashier's checkout: client, items, live quote, rewards, payment, confirmation, receipt."""
from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation
from itertools import groupby

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from pos_loyalty.core.errors import DomainError
from pos_loyalty.panel.auth import staff_required
from pos_loyalty.panel.context import panel_actor
from pos_loyalty.panel.messages import say
from pos_loyalty.services import catalogue, clients, grants, loyalty, payments, printing, redemptions, sales
from pos_loyalty.services.context import current_terms, salon_time
from pos_loyalty.services.program import list_rewards
from pos_loyalty.services.receipts import render_receipt
from pos_loyalty.services.sale_view import describe_sale
from pos_loyalty.services.till_screen import screen_of, show

bp = Blueprint("checkout", __name__)


def back_to_checkout(view):
    """Every action returns to the checkout; a refusal is shown there in the cashier's words."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs) or redirect(url_for("checkout.index"))
        except DomainError as error:
            flash(say(error), "error")
            return redirect(url_for("checkout.index"))

    return wrapper


def current_screen():
    return screen_of(session["till_id"])


def client_panel(client_id: int | None, sale: dict | None):
    """The attached client with balance, expiry and every reward: redeemable now, or what is missing."""
    if client_id is None:
        return None
    actor = panel_actor()
    client = clients.get_client(client_id)
    state = loyalty.loyalty_of(actor, client_id)
    summary = state.summary
    held_here = {r["reward_id"] for r in (sale or {}).get("redemptions", []) if r["status"] == "held"}
    offers = []
    for reward in list_rewards(active_only=True):
        missing = max(reward.points_cost - max(summary.available, 0), 0)
        offers.append({"id": reward.id, "name": reward.name, "points_cost": reward.points_cost,
                       "missing": missing, "eligible": missing == 0 and summary.balance >= 0,
                       "applied": reward.id in held_here})
    return {"client": client, "summary": summary, "enabled": state.enabled, "offers": offers,
            "grants": grants.client_grants(client_id, "available")}


@bp.route("/")
@staff_required()
def index():
    screen = current_screen()
    sale = None
    if screen.sale_id:
        record = sales.get_sale(screen.sale_id)
        if record.status == "open":
            sale = describe_sale(record, salon_time(record.salon_id))
    client_id = sale["client_id"] if sale else screen.client_id
    items = catalogue.list_items(panel_actor().salon_id)
    groups = [(category or _("Other"), list(group)) for category, group in
              groupby(sorted(items, key=lambda i: (i.kind != "service", i.category, i.name)),
                      key=lambda i: i.category)]
    return render_template("checkout.html", sale=sale, client=client_panel(client_id, sale), groups=groups,
                           program_enabled=current_terms().enabled)


@bp.route("/panel/clients")
@staff_required()
def search_clients():
    query = request.args.get("q", "").strip()
    found = clients.search_clients(query, limit=8) if len(query) >= 2 else []
    return render_template("_client_results.html", found=found, query=query)


@bp.route("/panel/clients", methods=["POST"])
@staff_required()
@back_to_checkout
def create_client():
    fields = {"first_name": request.form.get("first_name", "").strip(),
              "last_name": request.form.get("last_name", "").strip()}
    if not fields["first_name"] or not fields["last_name"]:
        flash(_("A new client needs a first and a last name."), "error")
        return None
    for name in ("phone", "email", "referred_by"):
        if request.form.get(name, "").strip():
            fields[name] = request.form[name].strip()
    client = clients.create_client(panel_actor(), fields)
    attach(client.id)
    flash(_("%(name)s is registered, referral code %(code)s.", name=client.name, code=client.referral_code), "ok")
    return None


def attach(client_id: int | None) -> None:
    actor, screen = panel_actor(), current_screen()
    if screen.sale_id and sales.get_sale(screen.sale_id).status == "open":
        sales.attach_client(actor, screen.sale_id, client_id)
        show(actor.till_id, sale_id=screen.sale_id, client_id=client_id, cashier=actor.name)
    else:
        show(actor.till_id, sale_id=None, client_id=client_id, cashier=actor.name)


@bp.route("/panel/attach", methods=["POST"])
@staff_required()
@back_to_checkout
def attach_client():
    attach(int(request.form["client_id"]) if request.form.get("client_id", "").isdigit() else None)


@bp.route("/panel/lines", methods=["POST"])
@staff_required()
@back_to_checkout
def add_line():
    actor, screen = panel_actor(), current_screen()
    try:
        quantity = max(1, min(int(request.form.get("quantity") or 1), 999))
    except ValueError:
        quantity = 1
    line = {"code": request.form.get("code", ""), "quantity": quantity}
    if request.form.get("unit_price"):
        try:
            line["unit_price"] = Decimal(request.form["unit_price"].replace(",", ".")).quantize(Decimal("0.01"))
        except InvalidOperation:
            flash(_("The price is not a number."), "error")
            return None
    if screen.sale_id and sales.get_sale(screen.sale_id).status == "open":
        sales.add_line(actor, screen.sale_id, line)
    else:
        sale = sales.create_sale(actor, {"client_id": screen.client_id, "lines": [line]})
        show(actor.till_id, sale_id=sale.id, client_id=screen.client_id, cashier=actor.name)


@bp.route("/panel/lines/<int:position>/remove", methods=["POST"])
@staff_required()
@back_to_checkout
def remove_line(position):
    actor, screen = panel_actor(), current_screen()
    sale = sales.get_sale(screen.sale_id)
    if len(sale.lines) == 1 and not sale.redemptions:
        sales.cancel_sale(actor, sale.id)  # removing the only line: the sale is abandoned
        show(actor.till_id, sale_id=None, client_id=sale.client_id, cashier=actor.name)
    else:
        sales.remove_line(actor, sale.id, position)


@bp.route("/panel/rewards", methods=["POST"])
@staff_required()
@back_to_checkout
def apply_reward():
    grant_id = request.form.get("grant_id")
    redemptions.hold_reward(panel_actor(), current_screen().sale_id, int(request.form["reward_id"]),
                            int(grant_id) if grant_id else None)


@bp.route("/panel/redemptions/<int:redemption_id>/remove", methods=["POST"])
@staff_required()
@back_to_checkout
def remove_reward(redemption_id):
    redemptions.release_reward(panel_actor(), current_screen().sale_id, redemption_id)


@bp.route("/panel/pay", methods=["POST"])
@staff_required()
@back_to_checkout
def pay():
    actor, screen = panel_actor(), current_screen()
    try:
        amount = Decimal(request.form.get("amount", "").replace(",", ".").replace("€", "").strip())
    except InvalidOperation:
        flash(_("Type the amount received, e.g. 50.00"), "error")
        return None
    if not amount.is_finite() or amount < 0:
        flash(_("Type the amount received, e.g. 50.00"), "error")
        return None
    result = payments.take_payment(actor, screen.sale_id, amount.quantize(Decimal("0.01")),
                                   request.form.get("method", "card"))
    if result.status == "paid":
        show(actor.till_id, sale_id=result.sale.id, client_id=result.sale.client_id, cashier=actor.name)
        return redirect(url_for("checkout.done", sale_id=result.sale.id))
    flash(_("%(amount)s received. Still due: %(due)s.", amount=request.form["amount"],
            due=describe_sale(result.sale, salon_time(actor.salon_id))["due"]), "ok")
    return None


@bp.route("/panel/cancel", methods=["POST"])
@staff_required()
@back_to_checkout
def cancel():
    actor, screen = panel_actor(), current_screen()
    if screen.sale_id:
        sales.cancel_sale(actor, screen.sale_id)
    show(actor.till_id, sale_id=None, client_id=None, cashier=actor.name)


@bp.route("/panel/new", methods=["POST"])
@staff_required()
@back_to_checkout
def new_sale():
    actor = panel_actor()
    show(actor.till_id, sale_id=None, client_id=None, cashier=actor.name)


@bp.route("/panel/sales/<int:sale_id>/done")
@staff_required()
def done(sale_id):
    actor = panel_actor()
    record = sales.get_sale(sale_id)
    sale = describe_sale(record, salon_time(actor.salon_id))
    summary = loyalty.loyalty_of(actor, record.client_id).summary if record.client_id else None
    try:
        receipt, _mime = render_receipt(actor, sale_id, "text", None)
    except DomainError as error:
        receipt = error.message
    jobs = printing.jobs_of_sale(sale_id)
    client = clients.get_client(record.client_id) if record.client_id else None
    return render_template("done.html", sale=sale, record=record, summary=summary, receipt=receipt, jobs=jobs,
                           client=client)


@bp.route("/panel/sales/<int:sale_id>/receipt.png")
@staff_required()
def receipt_png(sale_id):
    from flask import Response

    body, mimetype = render_receipt(panel_actor(), sale_id, "png", None)
    return Response(body, mimetype=mimetype)


@bp.route("/panel/sales/<int:sale_id>/print", methods=["POST"])
@staff_required()
def print_receipt(sale_id):
    try:
        printing.queue_receipt(panel_actor(), sale_id)
        flash(_("The receipt is on its way to the printer."), "ok")
    except DomainError as error:
        flash(say(error), "error")
    return redirect(url_for("checkout.done", sale_id=sale_id))


@bp.route("/panel/clients/<int:client_id>")
@staff_required()
def loyalty_box(client_id):
    actor = panel_actor()
    client = clients.get_client(client_id)
    state = loyalty.loyalty_of(actor, client_id)
    entries, following = loyalty.ledger_page(actor, client_id, request.args.get("cursor"), 25)
    return render_template("loyalty_box.html", client=client, summary=state.summary, entries=entries,
                           following=following, obtained=loyalty.rewards_obtained(client_id),
                           zone=salon_time(actor.salon_id).zone)
