"""The cashier's checkout: client, items, live quote, rewards, payment, confirmation, receipt."""
from __future__ import annotations

import functools
from itertools import groupby

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from pos_loyalty.schemas.bodies import ClientSchema
from pos_loyalty.core.errors import DomainError, NotFound
from pos_loyalty.extensions import db
from pos_loyalty.panel.amounts import AmountError, parse_amount, plain_amount
from pos_loyalty.panel.auth import staff_required
from pos_loyalty.panel.context import money, number_locale, panel_actor, salon_currency
from pos_loyalty.panel.messages import say
from pos_loyalty.services import catalogue, clients, grants, loyalty, payments, printing, redemptions, sales
from pos_loyalty.services.context import current_terms, salon_time
from pos_loyalty.services.program import get_reward, list_rewards
from pos_loyalty.services.receipts import render_receipt
from pos_loyalty.services.sale_view import describe_sale
from pos_loyalty.services.till_screen import screen_of, show, touch
from pos_loyalty.services.transaction import transaction

bp = Blueprint("checkout", __name__)


def back_to_checkout(view):
    """Every action returns to the checkout; a refusal is shown there in the cashier's words. What the
    action names and this salon does not have (another salon's reward hold, a line already removed) is a
    404: the checkout is shown again with the message, as the API answers 404 for the same call."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        in_place = request.headers.get("HX-Request") == "true"  # htmx: answer with the parts that change
        try:
            # The step and the parts it redraws in one transaction, as the API builds its answer: the rows the
            # step loaded are read once, not again after its commit.
            with transaction():
                answer = view(*args, **kwargs)
                touch(panel_actor())  # the till's display follows the cashier's step
                redirected = answer is not None and answer.status_code in (301, 302, 303)
                if in_place and not redirected:
                    return render_checkout(in_place=True)
        except NotFound as error:
            flash(say(error), "error")
            return render_checkout(in_place=in_place), 404
        except DomainError as error:
            flash(say(error), "error")
            if in_place:
                return render_checkout(in_place=True), 422
            return redirect(url_for("checkout.index"))
        if not in_place:
            return answer or redirect(url_for("checkout.index"))
        return "", 200, {"HX-Redirect": answer.location}  # the sale is paid: on to its done page

    return wrapper


def current_screen():
    return screen_of(panel_actor())


def sale_on_screen() -> int:
    """The id of the sale this till is working on: an action on its lines or rewards needs one."""
    sale_id = current_screen().sale_id
    if sale_id is None:
        raise NotFound(_("No sale is open at this till."), code="no_open_sale")
    return sale_id


def client_panel(client_id: int | None, sale: dict | None, actor=None):
    """The attached client with balance, expiry and every reward: redeemable now, or what is missing. `actor`:
    who reads it (the signed-in cashier unless told: a paired client display)."""
    if client_id is None:
        return None
    actor = actor or panel_actor()
    client = clients.get_client(client_id)
    state = loyalty.loyalty_of(actor, client_id)
    summary = state.summary
    held_here = {r["reward_id"] for r in (sale or {}).get("redemptions", []) if r["status"] == "held"}
    offers = []
    for reward in list_rewards(active_only=True):
        missing = max(reward.points_cost - max(summary.available, 0), 0)
        offers.append({"id": reward.id, "name": reward.name, "points_cost": reward.points_cost,
                       "missing": missing, "eligible": missing == 0 and summary.balance >= 0,
                       "applied": reward.id in held_here, "sale_earns": reward.sale_earns})
    locked = [offer for offer in offers if not offer["eligible"]]
    # One reward or discount code per sale unless the manager allows stacking: no other reward to tap then.
    one_taken = bool(held_here or (sale or {}).get("discount_code")) and not current_terms().allow_stacking
    panel = {"client": client, "summary": summary, "enabled": state.enabled, "offers": offers, "one_taken": one_taken,
             "next_offer": min(locked, key=lambda offer: offer["missing"]) if locked else None,
             "grants": grants.client_grants(client_id, "available")}
    return till_codes.milestone_panel(panel, sale) if till_codes.milestone_mode() else panel


MAX_ID = 2**31 - 1  # the ids of every table fit a 32-bit integer column


def form_id(name: str) -> int | None:
    """An id the page itself put in a form: absent is None; anything else than one is a bad request."""
    value = request.form.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) > MAX_ID:
        abort(400)
    return int(value)


def focus_next(target: str) -> None:
    """Where the keyboard goes on the next checkout page (panel.js moves it there after a keyboard action)."""
    session["focus"] = target


def catalogue_groups() -> list:
    """The catalogue's tiles by category, each under the name the salon gave it ("Couleur", not "colour")."""
    items = catalogue.list_items(panel_actor().salon_id)
    names = catalogue.category_labels(panel_actor().salon_id)
    return [(names.get(category, catalogue.category_label(category)) if category else _("Other"), list(group))
            for category, group in groupby(sorted(items, key=lambda i: (i.kind != "service", i.category, i.name)),
                                           key=lambda i: i.category)]


def render_checkout(new_client: dict | None = None, focus: str | None = None, in_place: bool = False):
    """The checkout page; `in_place`: only its client card and ticket (an htmx step redraws those two)."""
    screen = current_screen()
    sale = None
    if screen.sale_id:
        record = sales.get_sale(panel_actor(), screen.sale_id)
        if record.status == "open":
            sale = describe_sale(record, salon_time(record.salon_id))
    client_id = sale["client_id"] if sale else screen.client_id
    groups = [] if in_place else catalogue_groups()  # an htmx step redraws the ticket, never the catalogue
    focus = focus or session.pop("focus", None)
    if focus == "amount" and not sale:
        focus = None
    if focus is None:
        focus = "client-search" if client_id is None and sale is None else "catalogue-filter"
    return render_template("_till_update.html" if in_place else "checkout.html", sale=sale,
                           client=client_panel(client_id, sale), groups=groups,
                           program_enabled=current_terms().enabled, new_client=new_client, focus=focus,
                           amount_due=plain_amount(sale["due"], number_locale()) if sale else "",
                           refused_amount=session.pop("refused_amount", None),
                           removed_line=session.pop("removed_line", None), oob=in_place,
                           pending_reward=pending_reward(client_id, sale))


def pending_reward(client_id: int | None, sale: dict | None) -> dict | None:
    """A reward tapped for the attached client before the sale's first line: held as that line makes the sale."""
    chosen = session.get("pending_reward")
    if not chosen or sale is not None or chosen.get("client_id") != client_id:
        return None
    try:
        return {**chosen, "name": get_reward(chosen["reward_id"]).name}
    except NotFound:  # deleted meanwhile
        return None


def hold_pending_reward(actor, sale_id: int) -> None:
    """Hold the reward chosen before the first line on the sale that line made; a refusal (the points went
    meanwhile) is said and leaves the sale as it is (a savepoint: the line stays)."""
    chosen = session.pop("pending_reward", None)
    if not chosen:
        return
    try:
        with db.session.begin_nested():
            redemptions.hold_reward(actor, sale_id, chosen["reward_id"], chosen.get("grant_id"))
    except DomainError as error:
        flash(say(error), "error")


@bp.route("/")
@staff_required()
def index():
    return render_checkout()


@bp.route("/panel/clients")
@staff_required()
def search_clients():
    query = request.args.get("q", "").strip()
    found = clients.search_clients(query, limit=8) if len(query) >= 2 else []
    return render_template("_client_results.html", found=found, query=query)


NEW_CLIENT_FIELDS = ("first_name", "last_name", "phone", "email", "referred_by")


def refusal_of_client_fields(errors: dict) -> tuple[str, str]:
    """The API's validation of a new client, in the cashier's words, and the first field to correct."""
    words = {"first_name": _("A new client needs a first and a last name."),
             "last_name": _("A new client needs a first and a last name."),
             "phone": _("The phone number is not valid: digits, spaces and + only."),
             "email": _("The e-mail address is not valid."),
             "referred_by": _("No client has this referral code.")}
    wrong = [name for name in NEW_CLIENT_FIELDS if name in errors]
    messages = list(dict.fromkeys(words[name] for name in wrong))
    return " ".join(messages), wrong[0] if wrong else "first_name"


@bp.route("/panel/clients", methods=["POST"])
@staff_required()
def create_client():
    """A new client in a few fields; a refusal keeps what was typed and creates nothing."""
    typed = {name: request.form.get(name, "").strip() for name in NEW_CLIENT_FIELDS}
    try:
        fields = ClientSchema().load({name: value for name, value in typed.items() if value})
        client = clients.create_client(panel_actor(), fields)
    except ValidationError as error:
        message, wrong = refusal_of_client_fields(error.messages)
    except DomainError as error:
        message, wrong = say(error), "referred_by" if error.code == "unknown_referral_code" else "first_name"
    else:
        flash(_("%(name)s is registered, referral code %(code)s.", name=client.name, code=client.referral_code),
              "ok")
        try:
            attach(client.id)
        except DomainError as error:
            flash(say(error), "error")
        return redirect(url_for("checkout.index"))
    flash(message, "error")
    return render_checkout(new_client=typed, focus=f"new-{wrong}"), 422


def attach(client_id: int | None) -> None:
    actor, screen = panel_actor(), current_screen()
    session.pop("pending_reward", None)  # chosen for the client being replaced
    if screen.sale_id and sales.sale_status(actor, screen.sale_id) == "open":
        sales.attach_client(actor, screen.sale_id, client_id)
        show(actor, sale_id=screen.sale_id, client_id=client_id)
    else:
        show(actor, sale_id=None, client_id=client_id)


@bp.route("/panel/attach", methods=["POST"])
@staff_required()
@back_to_checkout
def attach_client():
    client_id = form_id("client_id")
    if client_id is None:
        focus_next("client-search")  # "change client": the search is the next step
    attach(client_id)


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
            line["unit_price"] = parse_amount(request.form["unit_price"], number_locale(), salon_currency())
        except AmountError:
            flash(_("The price is not a number."), "error")
            return None
    if screen.sale_id and sales.sale_status(actor, screen.sale_id) == "open":
        sales.add_line(actor, screen.sale_id, line)
    else:
        sale = sales.create_sale(actor, {"client_id": screen.client_id, "lines": [line]})
        show(actor, sale_id=sale.id, client_id=screen.client_id)
        hold_pending_reward(actor, sale.id)


@bp.route("/panel/lines/<int:position>/remove", methods=["POST"])
@staff_required()
@back_to_checkout
def remove_line(position):
    actor = panel_actor()
    sale = sales.get_sale(actor, sale_on_screen())
    removed = next((line for line in sale.lines if line.position == position), None)
    if removed is not None:  # the ticket offers to put it back ("Undo")
        session["removed_line"] = {"code": removed.code, "name": removed.name, "quantity": removed.quantity}
    if len(sale.lines) == 1 and not sale.redemptions:
        sales.cancel_sale(actor, sale.id)  # removing the only line: the sale is abandoned
        show(actor, sale_id=None, client_id=sale.client_id)
    else:
        sales.remove_line(actor, sale.id, position)


@bp.route("/panel/rewards", methods=["POST"])
@staff_required()
@back_to_checkout
def apply_reward():
    reward_id, grant_id = form_id("reward_id"), form_id("grant_id")
    if reward_id is None:
        abort(400)
    actor, screen = panel_actor(), current_screen()
    open_sale = screen.sale_id and sales.sale_status(actor, screen.sale_id) == "open"
    if not open_sale and screen.client_id is not None:
        # No sale yet: the reward is remembered and held by the first line (checked then, like any hold).
        get_reward(reward_id)  # 404 for a reward that does not exist
        session["pending_reward"] = {"reward_id": reward_id, "grant_id": grant_id, "client_id": screen.client_id}
        focus_next("catalogue-filter")
        return
    focus_next("amount")
    redemptions.hold_reward(actor, sale_on_screen(), reward_id, grant_id)


@bp.route("/panel/rewards/pending/remove", methods=["POST"])
@staff_required()
@back_to_checkout
def drop_pending_reward():
    session.pop("pending_reward", None)


@bp.route("/panel/redemptions/<int:redemption_id>/remove", methods=["POST"])
@staff_required()
@back_to_checkout
def remove_reward(redemption_id):
    focus_next("amount")
    redemptions.release_reward(panel_actor(), sale_on_screen(), redemption_id)


@bp.route("/panel/pay", methods=["POST"])
@staff_required()
@back_to_checkout
def pay():
    actor = panel_actor()
    focus_next("amount")
    typed = request.form.get("amount", "").strip()
    try:
        amount = parse_amount(typed, number_locale(), salon_currency())
    except AmountError as error:
        flash(amount_refusal(error.reason, typed[:40]), "error")
        session["refused_amount"] = typed[:40]  # shown again in the field, marked, to be corrected
        return None
    result = payments.take_payment(actor, sale_on_screen(), amount, request.form.get("method", "card"))
    if result.status == "paid":
        session.pop("focus", None)
        show(actor, sale_id=result.sale.id, client_id=result.sale.client_id)
        return redirect(url_for("checkout.done", sale_id=result.sale.id))
    flash(_("%(amount)s received. Still due: %(due)s.", amount=money(amount),
            due=money(describe_sale(result.sale, salon_time(actor.salon_id))["due"])), "ok")
    return None


def amount_refusal(reason: str, typed: str) -> str:
    if not typed:
        return _("Type the amount received, e.g. 50.00")
    if reason == "negative":
        return _("An amount cannot be negative.")
    if reason == "range":
        return _("“%(typed)s” is too large an amount.", typed=typed)
    return _("“%(typed)s” is not an amount: type it like %(example)s.", typed=typed,
             example=plain_amount("50.00", number_locale()))


@bp.route("/panel/cancel", methods=["POST"])
@staff_required()
@back_to_checkout
def cancel():
    actor, screen = panel_actor(), current_screen()
    session.pop("pending_reward", None)
    if screen.sale_id:
        sales.cancel_sale(actor, screen.sale_id)
    show(actor, sale_id=None, client_id=None)


@bp.route("/panel/new", methods=["POST"])
@staff_required()
@back_to_checkout
def new_sale():
    session.pop("pending_reward", None)
    show(panel_actor(), sale_id=None, client_id=None)


@bp.route("/panel/sales/<int:sale_id>/done")
@staff_required()
def done(sale_id):
    actor = panel_actor()
    record = sales.get_sale(actor, sale_id)
    sale = describe_sale(record, salon_time(actor.salon_id))
    client = clients.get_client(record.client_id, erased_ok=True) if record.client_id else None
    if client is not None and client.erased_at is not None:
        client = None  # an erased client's old sale: its receipt again, under no name
    summary = loyalty.loyalty_of(actor, client.id).summary if client else None
    try:
        receipt, _mime = render_receipt(actor, sale_id, "text", None)
    except DomainError as error:
        receipt = error.message
    jobs = printing.jobs_of_sale(actor, sale_id)
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
    except NotFound:
        raise  # no such sale in this salon: the 404 page, not a message on a done page that does not exist
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
    return render_template("loyalty_box.html", client=client, summary=state.summary, enabled=state.enabled,
                           entries=entries, following=following, obtained=loyalty.rewards_obtained(client_id))


from pos_loyalty.panel import till_codes  # noqa: E402 - milestone codes at the till (its routes on bp)
