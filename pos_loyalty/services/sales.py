"""Open a sale, attach its client, cancel it."""
from __future__ import annotations

import functools
from decimal import Decimal

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from pos_loyalty.core.errors import Conflict, Invalid, NotFound
from pos_loyalty.database import reads_are_current_under_lock
from pos_loyalty.extensions import db
from pos_loyalty.hookspecs import SaleEvent
from pos_loyalty.models import LOT_IS_OPEN, Client, PointsLot, Sale, SaleLine, Till
from pos_loyalty.runtime import runtime
from pos_loyalty.services import ledger
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.catalogue import find_item
from pos_loyalty.services.context import current_terms, salon_time
from pos_loyalty.services.tills import till_of
from pos_loyalty.services.transaction import after_commit, transaction, use_case_cache

MAX_LINES = 200


@functools.cache
def _sale_query(fresh: bool):
    """Built once per kind (the statement and its cache key are reused by every request)."""
    # With its lines, rewards and payments in the same round trip: a sale read is almost always priced.
    query = (select(Sale).where(Sale.id == bindparam("sale_id"), Sale.salon_id == bindparam("salon_id"))
             .options(joinedload(Sale.lines), joinedload(Sale.redemptions), joinedload(Sale.payments)))
    if fresh:  # the rows as they are now, even if this session read them before
        query = query.execution_options(populate_existing=True)
    return query


@functools.cache
def _sale_lock():
    """The sale's row locked; its client as it is under the lock (a payment locks that client's accounts next)."""
    return (select(Sale.id, Sale.client_id)
            .where(Sale.id == bindparam("sale_id"), Sale.salon_id == bindparam("salon_id")).with_for_update())


@functools.cache
def _sale_and_lots_query():
    """The sale as _sale_query(True) reads it, with the open lots of the accounts locked before it."""
    return (_sale_query(True).add_columns(PointsLot)
            .outerjoin(PointsLot, PointsLot.account_id.in_(bindparam("account_ids", expanding=True)) & LOT_IS_OPEN))


def _locked_with_payer(params: dict) -> Sale | None:
    """A payment's locks and reads on PostgreSQL in three round trips instead of four: the sale's row locked
    (its client as it is under the lock), then the client's and referrer's accounts locked
    (ledger.lock_payer_accounts), then the sale with its lines, rewards and payments and the accounts' open
    lots in one statement: begun once both locks are held, it reads them as they are now."""
    row = db.session.execute(_sale_lock(), params).first()
    if row is None:
        return None
    if row.client_id is None:
        return db.session.scalars(_sale_query(True), params).unique().first()
    _client, accounts = ledger.lock_payer_accounts(row.client_id)
    rows = db.session.execute(_sale_and_lots_query(), {
        **params, "account_ids": [account.id for account in accounts.values()]}).unique().all()
    ledger.remember_open_lots(accounts, [lot for _sale, lot in rows if lot is not None])
    return rows[0][0] if rows else None


def _lock_sale(params: dict) -> bool:
    """Lock the sale's row; False when there is no such sale. Where a locking statement could see the
    sale's lines, rewards and payments as they were before the change it waited for (PostgreSQL: see
    database.reads_are_current_under_lock), they are read by a statement of their own once it is held."""
    if reads_are_current_under_lock(db.session):
        return True
    return db.session.scalar(_sale_lock(), params) is not None


def get_sale(actor: Actor, sale_id: int, *, lock: bool = False, lock_payer: bool = False) -> Sale:
    """The acting salon's sale. Another salon's sale answers exactly as a sale that does not exist: its
    existence is none of this salon's business (the clients and points are shared, the sales are not).

    A sale this use case locked already is the one in memory: nobody else can change it until the use case
    ends, and its objects carry this use case's own changes (the answer to a write reads it again).
    `lock_payer` (with `lock`): the accounts a payment of the sale moves are locked too, right after the sale
    (ledger.lock_payer_accounts, which then answers from memory), with their open lots read."""
    cache = use_case_cache()
    locked = cache.setdefault("locked_sales", {}) if cache is not None else {}
    sale = locked.get(sale_id)
    if sale is not None and sale.salon_id == actor.salon_id:
        return sale
    params = {"sale_id": sale_id, "salon_id": actor.salon_id}
    sale = None
    if lock and lock_payer and not reads_are_current_under_lock(db.session):
        sale = _locked_with_payer(params)
    elif not lock or _lock_sale(params):
        sale = db.session.scalars(_sale_query(lock), params).unique().first()
    if sale is None:
        raise NotFound(f"Sale {sale_id} does not exist.", code="sale_not_found")
    if lock and cache is not None:
        locked[sale_id] = sale
    return sale


def sale_status(actor: Actor, sale_id: int) -> str:
    """The acting salon's sale's status alone (the till asks whether the sale on its screen is still open
    before adding to it): one column, not the sale with its lines. NotFound as get_sale."""
    status = db.session.scalar(_status_query(), {"sale_id": sale_id, "salon_id": actor.salon_id})
    if status is None:
        raise NotFound(f"Sale {sale_id} does not exist.", code="sale_not_found")
    return status


@functools.cache
def _status_query():
    return select(Sale.status).where(Sale.id == bindparam("sale_id"), Sale.salon_id == bindparam("salon_id"))


def require_open(sale: Sale) -> None:
    if sale.status != "open":
        raise Conflict(f"Sale {sale.id} is {sale.status}: it can no longer change.", code=f"sale_{sale.status}",
                       details={"status": sale.status})


def resolve_till(actor: Actor, till_code: str | None) -> Till:
    if till_code:
        till = db.session.scalars(select(Till).where(Till.salon_id == actor.salon_id, Till.code == till_code)).first()
        if till is None:
            raise Invalid(f"This salon has no till “{till_code}”.", code="unknown_till",
                          details={"till": ["Unknown till."]})
        return till
    if actor.till_id is None:
        raise Invalid("Say which till makes the sale: this token belongs to no till.", code="till_required",
                      details={"till": ["Missing data for required field."]})
    return till_of(actor)


def _client_or_invalid(actor: Actor, client_id: int) -> Client:
    # Key-share locked until the sale commits: an erasure (which locks the row for update) waits for this sale
    # and then refuses, as the client has an open sale; a sale started during an erasure waits and is refused.
    # A key share does not conflict with a payment's update of the row (first_paid_sale_id).
    # Its account and live balance come in the same round trip: the answer shows them.
    client, _, _ = ledger.client_and_live_balance(client_id, salon_time(actor.salon_id).today, key_share=True)
    if client is None:
        client = db.session.get(Client, client_id, with_for_update={"read": True, "key_share": True},
                                populate_existing=True)  # a client without an account (none is made so)
    if client is None:
        raise Invalid(f"Client {client_id} does not exist.", code="unknown_client",
                      details={"client_id": ["Unknown client."]})
    if client.erased_at is not None:
        raise Invalid(f"Client {client_id} was erased: no sale can be attached to it.", code="client_erased",
                      details={"client_id": ["This client was erased."]})
    return client


def build_lines(salon_id: int, lines: list[dict]) -> list[SaleLine]:
    """A line whose code is in the salon's catalogue takes its kind and category from there (they decide the
    points; a line contradicting them is refused); a price given by the host POS wins over the catalogue's.
    A line whose code is not in the catalogue comes from the host POS's own: it brings its kind, category,
    name and price, unless the program says `catalogue_only`."""
    if not lines:
        raise Invalid("A sale needs at least one line.", code="no_lines", details={"lines": ["Empty."]})
    if len(lines) > MAX_LINES:
        raise Invalid(f"A sale has at most {MAX_LINES} lines.", code="too_many_lines")
    catalogue_only = current_terms().catalogue_only
    built, errors = [], {}
    for position, line in enumerate(lines):
        item = find_item(salon_id, line["code"])
        if item is not None and not item.active:
            errors[str(position)] = {"code": [f"{item.code} is no longer sold (inactive in the catalogue)."]}
            continue
        if item is None:
            if catalogue_only:
                errors[str(position)] = {"code": [f"Unknown service or product code {line['code']!r}."]}
                continue
            problems = {name: [f"Required for a code outside the catalogue ({line['code']!r})."]
                        for name in ("kind", "name", "unit_price") if line.get(name) is None}
            if problems:
                errors[str(position)] = problems
                continue
            built.append(SaleLine(position=position, code=line["code"].upper(), name=line["name"], kind=line["kind"],
                                  category=(line.get("category") or "").lower(), quantity=line["quantity"],
                                  unit_price=line["unit_price"]))
            continue
        problems = {}
        if line.get("kind") and line["kind"] != item.kind:
            problems["kind"] = [f"{item.code} is a {item.kind} in the catalogue."]
        if line.get("category") and line["category"].lower() != (item.category or "").lower():
            problems["category"] = [f"{item.code} is in the category {item.category!r} in the catalogue."]
        if problems:
            errors[str(position)] = problems
            continue
        price = line.get("unit_price")
        built.append(SaleLine(position=position, code=item.code, name=line.get("name") or item.name,
                              kind=item.kind, category=item.category, quantity=line["quantity"],
                              unit_price=item.price if price is None else price))
    if errors:
        raise Invalid("Some lines do not match the catalogue.", code="unknown_items", details={"lines": errors})
    return built


def create_sale(actor: Actor, data: dict) -> Sale:
    with transaction():
        till = resolve_till(actor, data.get("till"))
        if data.get("client_id") is not None:
            _client_or_invalid(actor, data["client_id"])
        lines = build_lines(actor.salon_id, data["lines"])
        total = sum((line.unit_price * line.quantity for line in lines), Decimal(0))
        code_discount = data.get("discount_amount") or Decimal(0)
        if code_discount and not data.get("discount_code"):
            raise Invalid("A discount amount comes with its discount code.", code="discount_code_required",
                          details={"discount_code": ["Required with discount_amount."]})
        if code_discount > total:
            raise Invalid("The discount is larger than the sale.", code="discount_too_large",
                          details={"discount_amount": ["Larger than the total."]})
        sale = Sale(salon_id=actor.salon_id, till_id=till.id, client_id=data.get("client_id"), status="open",
                    discount_code=data.get("discount_code") or None, code_discount=code_discount,
                    created_at=runtime().now(), created_by=actor.name, lines=lines,
                    redemptions=[], payments=[])  # known empty: the answer does not select them
        db.session.add(sale)
        db.session.flush()
        return sale


def attach_client(actor: Actor, sale_id: int, client_id: int | None) -> Sale:
    with transaction():
        sale = get_sale(actor, sale_id, lock=True)
        require_open(sale)
        if client_id is not None:
            _client_or_invalid(actor, client_id)
        if client_id != sale.client_id and any(r.status == "held" for r in sale.redemptions):
            raise Conflict("Remove the rewards held for the current client before changing the client.",
                           code="rewards_held", details={"client_id": sale.client_id})
        if client_id != sale.client_id and sale.payments:
            raise Conflict("Payments were taken: the client can no longer change.", code="sale_partly_paid")
        sale.client_id = client_id
        return sale


def cancel_sale(actor: Actor, sale_id: int) -> Sale:
    """Cancelling an open sale releases its holds; payments already taken must be handed back by the till."""
    with transaction():
        sale = get_sale(actor, sale_id, lock=True)
        require_open(sale)
        held = [r for r in sale.redemptions if r.status == "held"]
        if held:
            account = ledger.lock_account(sale.client_id)
            from pos_loyalty.services.redemptions import release_hold

            for redemption in held:
                release_hold(account, redemption)
        sale.status = "cancelled"
        sale.closed_at = runtime().now()
        event = SaleEvent(sale_id=sale.id, client_id=sale.client_id, salon_id=sale.salon_id, till_id=sale.till_id)
        hook = runtime().plugins.hook
        after_commit(lambda: hook.sale_cancelled(event=event))
        return sale


def _sale_with_lines_to_change(actor: Actor, sale_id: int) -> Sale:
    """Lines change only on an open sale before any payment (a payment was made for those lines)."""
    sale = get_sale(actor, sale_id, lock=True)
    require_open(sale)
    if sale.payments:
        raise Conflict("Payments were taken: the lines can no longer change.", code="sale_partly_paid")
    return sale


def add_line(actor: Actor, sale_id: int, line: dict) -> Sale:
    """Add a service or product to an open sale before payment (the till adds them one by one)."""
    with transaction():
        sale = _sale_with_lines_to_change(actor, sale_id)
        if len(sale.lines) >= MAX_LINES:
            raise Invalid(f"A sale has at most {MAX_LINES} lines.", code="too_many_lines")
        for existing in sale.lines:  # the same item again: one more unit
            if existing.code == (line["code"] or "").upper() and line.get("unit_price") in (None, existing.unit_price):
                existing.quantity = min(existing.quantity + line["quantity"], 999)
                return sale
        built = build_lines(actor.salon_id, [line])[0]
        built.position = max((line.position for line in sale.lines), default=-1) + 1
        sale.lines.append(built)
        db.session.flush()
        return sale


def remove_line(actor: Actor, sale_id: int, position: int) -> Sale:
    with transaction():
        sale = _sale_with_lines_to_change(actor, sale_id)
        line = next((candidate for candidate in sale.lines if candidate.position == position), None)
        if line is None:
            raise NotFound(f"Sale {sale.id} has no line {position}.", code="line_not_found")
        if len(sale.lines) == 1:
            raise Conflict("A sale keeps at least one line: cancel the sale instead.", code="last_line")
        free_items = {r.value for r in sale.redemptions if r.status == "held" and r.kind == "free_item"}
        if line.code in free_items:
            raise Conflict("Remove the free-item reward before its line.", code="reward_on_line")
        sale.lines.remove(line)
        db.session.flush()
        return sale
