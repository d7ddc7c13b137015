"""Recalculate history: credit past paid sales that earned nothing (the program was off, or the sales
predate its activation), with today's rules. Append-only: every entry is dated now, each credit is a lot
whose validity runs from the sale's own day, so points already past their validity come and go at once
(an expiry entry), as they would have.

Referral and welcome bonuses are not replayed (they reward an introduction, not a sale), and a sale that
earned anything is never touched: running it twice credits once.

`recalculate` works in batches of clients, one short transaction each (tills keep selling meanwhile): the
sales, their lines and discounts and the clients are read in a few set-based queries, every sale is quoted
by the same `quote_sale` with the same plugins as at the till, core.recalculation plans the rows, and they
are written with executemany inserts. The planning part (`plan_batch`: the sales loaded, each one's credit
computed) writes nothing and takes any terms and rules: the what-if preview (services/preview.py) prices the
same sales with it under changed rules. `recalculate_sale_by_sale` is the same thing one sale at a time
through the ORM: the reference the batched path is tested against, and the path taken for the rare
account that has points held on an open sale (an expiry may have to release holds).
"""
from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, exists, func, insert, select, update

from pos_loyalty.core.lots import expiry_date
from pos_loyalty.core.messages import say
from pos_loyalty.core.pricing import PricedLine
from pos_loyalty.core.program import EarningRule, ProgramTerms
from pos_loyalty.core.quote import CLIENT, EarningContext, EarningRuleProvider, quote_sale
from pos_loyalty.core.recalculation import OpenLot, SaleCredit, plan_account
from pos_loyalty.extensions import db
from pos_loyalty.models import (Client, LedgerEntry, LotConsumption, PointsLot, Redemption, Sale, SaleLine,
                                Salon)
from pos_loyalty.runtime import runtime
from pos_loyalty.services import ledger
from pos_loyalty.services.context import SalonTime, active_rules, current_terms, money_formatter
from pos_loyalty.services.sale_view import ACTIVE_REDEMPTIONS, client_facts, earning_context, sale_money
from pos_loyalty.services.transaction import transaction
from pos_loyalty.translatable import N_

BATCH_CLIENTS = 500
BATCH_SALES = 2_000  # a batch closes once it holds this many sales (a client's sales stay together)
SALE_BY_SALE_BATCH = 800  # sales per transaction on the sale-by-sale path
AUTOMATIC_KINDS = ("earn", "service", "bonus")


def sales_to_recalculate(since: date) -> list[tuple[int, int]]:
    """(client id, sale id) of paid sales since `since` with a client and no automatic points."""
    start = datetime.combine(since, time.min, ZoneInfo("UTC"))
    return _sales_where(_to_recalculate(start))


def _sales_where(conditions: tuple) -> list[tuple[int, int]]:
    """(client id, sale id) of the sales meeting `conditions`, a client's sales together, oldest first."""
    return list(db.session.execute(
        select(Sale.client_id, Sale.id).where(*conditions).order_by(Sale.client_id, Sale.paid_at, Sale.id)).all())


def paid_since(start: datetime, salon_id: int | None = None) -> tuple:
    """The conditions of every paid sale with a client since `start` (of one salon, when given)."""
    conditions = (Sale.status == "paid", Sale.client_id.is_not(None), Sale.paid_at >= start)
    return conditions if salon_id is None else (*conditions, Sale.salon_id == salon_id)


def _to_recalculate(start: datetime) -> tuple:
    earned = exists().where(LedgerEntry.sale_id == Sale.id, LedgerEntry.kind.in_(AUTOMATIC_KINDS))
    return (*paid_since(start), ~earned)


def clients_count(since: date) -> int:
    return len({client_id for client_id, _ in sales_to_recalculate(since)})


def recalculate(since: date, progress: Callable[[int], None] | None = None, actor_name: str = "recalculation") -> int:
    """Returns the points credited; `progress(n)` is told after each batch how many sales it handled."""
    terms = current_terms()
    if not terms.enabled:
        return 0
    with young_objects_only():
        start = datetime.combine(since, time.min, ZoneInfo("UTC"))
        by_client: dict[int, list[int]] = {}
        for client_id, sale_id in sales_to_recalculate(since):
            by_client.setdefault(client_id, []).append(sale_id)
        salons = load_salons()
        caches = _Caches()
        credited = 0
        for batch in _batches(by_client):
            with transaction():  # one short transaction per batch: tills keep selling meanwhile
                credited += _credit_batch(batch, start, salons, terms, actor_name, caches)
            if progress:
                progress(sum(len(sale_ids) for sale_ids in batch.values()))
    return credited


@contextmanager
def young_objects_only():
    """The run makes many short-lived objects: the garbage collector's full passes would each walk the whole
    app's heap, several times a second. The objects that existed before the run are set aside meanwhile
    (gc.freeze), unless someone else already froze theirs."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _batches(by_client: dict[int, list[int]]) -> Iterator[dict[int, list[int]]]:
    batch: dict[int, list[int]] = {}
    size = 0
    for client_id, sale_ids in by_client.items():
        batch[client_id] = sale_ids
        size += len(sale_ids)
        if size >= BATCH_SALES or len(batch) >= BATCH_CLIENTS:
            yield batch
            batch, size = {}, 0
    if batch:
        yield batch


@dataclass
class _SalonFacts:
    """What every sale of a salon shares: its time zone, its language, its money format (memoised)."""

    id: int
    zone: ZoneInfo
    timezone: str
    locale: str
    format_money: Callable[[Decimal], str]
    currency: str

    @classmethod
    def of(cls, salon: Salon, currency: str) -> "_SalonFacts":
        return cls(salon.id, ZoneInfo(salon.timezone), salon.timezone, salon.locale,
                   _memoised(money_formatter(currency, salon.locale)), currency)


def load_salons() -> dict[int, "_SalonFacts"]:
    return {salon.id: _SalonFacts.of(salon, salon.currency) for salon in db.session.scalars(select(Salon))}


def _memoised(function):
    """Babel's formatting is slow, and a salon's history repeats the same few amounts, days and lines."""
    cache: dict = {}

    def memoised(*key):
        try:
            return cache[key]
        except KeyError:
            cache[key] = result = function(*key)
            return result

    return memoised


@dataclass
class _SaleRecord:
    """Just what sale_view.sale_money and priced_lines read of a sale, from set-based queries."""

    id: int
    client_id: int
    salon_id: int
    paid_at: datetime
    discount_code: str | None
    code_discount: Decimal
    lines: list[PricedLine]
    redemptions: list
    payments: tuple = ()  # what was paid does not change what a sale earns


RECALCULATED = N_("%(description)s (recalculated)")
EXPIRED = N_("%(points)s points expired (valid until %(day)s)")  # the words of ledger.sweep_expired


class _Caches:
    """What is expensive and repeated over a run: a salon's history is the same few lines and baskets."""

    def __init__(self):
        self.line = _memoised(PricedLine)  # one immutable line per distinct line
        self.net_amounts: dict = {}  # basket -> what the client pays per line
        self.expiry = _memoised(expiry_date)
        self.describe = _memoised(lambda locale, text: say(locale, RECALCULATED, description=text))
        self.expiry_words = _memoised(lambda locale, points, day: say(locale, EXPIRED, points=points, day=day))

    def describe_expiry(self, locale: str, points: int, day: date) -> str:
        """The words of ledger.sweep_expired."""
        return self.expiry_words(locale, points, day)

    def net_amounts_of(self, sale: _SaleRecord) -> tuple[Decimal, ...]:
        """sale_view.sale_money's net amounts, once per distinct basket (lines and discount code amount)."""
        if sale.redemptions:  # rewards on the sale: rare, priced each time
            return sale_money(sale).pricing.net_amounts
        key = (tuple(sale.lines), sale.code_discount)
        amounts = self.net_amounts.get(key)
        if amounts is None:
            amounts = self.net_amounts[key] = sale_money(sale).pricing.net_amounts
        return amounts


@dataclass
class Pricing:
    """How a run quotes every sale: the programme's terms and rules (today's, or a what-if's), the plugins,
    each salon's facts and today, and the run's caches."""

    terms: ProgramTerms
    rules: tuple[EarningRule, ...]
    salons: dict[int, _SalonFacts]
    todays: dict[int, date]  # each salon's today: the lots past their expiry date leave
    caches: _Caches
    provider: EarningRuleProvider

    @classmethod
    def of(cls, terms: ProgramTerms, rules: tuple[EarningRule, ...], now: datetime,
           salons: dict[int, _SalonFacts] | None = None, caches: _Caches | None = None) -> "Pricing":
        salons = load_salons() if salons is None else salons
        return cls(terms, tuple(rules), salons, {salon.id: now.astimezone(salon.zone).date() for salon in salons.values()},
                   _Caches() if caches is None else caches, runtime().earning_rules)

    def credit(self, sale: "_SaleRecord", client) -> SaleCredit:
        """The sale's quote, by the till's own functions (sale_view's money, quote_sale, the plugins), with the
        context sale_view.earning_context would give it, built from what the batch loaded."""
        salon, caches, terms = self.salons[sale.salon_id], self.caches, self.terms
        paid_local = sale.paid_at.astimezone(salon.zone)
        context = EarningContext(
            # The lines were loaded as the PricedLine that sale_view.priced_lines makes of them.
            terms=terms, rules=self.rules, lines=tuple(sale.lines), net_amounts=caches.net_amounts_of(sale),
            client=client, at=paid_local, has_discount_code=bool(sale.discount_code),
            format_money=salon.format_money, locale=salon.locale, currency=salon.currency)
        quote = quote_sale(context, self.provider)
        earned_on = paid_local.date()
        return SaleCredit(sale_id=sale.id, salon_id=sale.salon_id,
                          earnings=tuple(e for e in quote.earnings if e.beneficiary == CLIENT), earned_on=earned_on,
                          expires_on=caches.expiry(earned_on, terms.validity_months), today=self.todays[sale.salon_id],
                          zone=salon.timezone, locale=salon.locale)


@dataclass
class PlannedBatch:
    sales: dict[int, "_SaleRecord"]  # the batch's sales still meeting the conditions (read again, under lock)
    credits: dict[int, list[SaleCredit]]  # per client, in the batch's order of sales


def plan_batch(batch: dict[int, list[int]], conditions: tuple, start: datetime, pricing: Pricing,
               skip: frozenset[int] | set[int] = frozenset()) -> PlannedBatch:
    """The planning part of a recalculation, writing nothing: the batch's sales (client id -> sale ids) that
    still meet `conditions` (all paid since `start`), loaded in a few set-based queries, and what each one
    earns under `pricing`. The clients in `skip` are loaded but not priced."""
    sales = _load_sales(batch, conditions, start, pricing.caches.line)
    priced = [client_id for client_id in batch if client_id not in skip]
    clients = _load_clients(priced)
    return PlannedBatch(sales, {client_id: [pricing.credit(sales[sale_id], clients[client_id])
                                            for sale_id in batch[client_id] if sale_id in sales]
                                for client_id in priced})


def plan_credits(conditions: tuple, start: datetime, pricing: Pricing) -> Iterator[PlannedBatch]:
    """Every sale meeting `conditions` (paid since `start`) planned, batch after batch, writing nothing."""
    by_client: dict[int, list[int]] = {}
    for client_id, sale_id in _sales_where(conditions):
        by_client.setdefault(client_id, []).append(sale_id)
    for batch in _batches(by_client):
        yield plan_batch(batch, conditions, start, pricing)


def _credit_batch(batch: dict[int, list[int]], start: datetime, salons: dict[int, _SalonFacts], terms,
                  actor_name: str, caches: _Caches) -> int:
    accounts = ledger.lock_accounts(sorted(batch))
    now = runtime().now()
    # An expiry may have to release points held on an open sale: those few accounts go sale by sale.
    held = {client_id for client_id in batch if accounts[client_id].held}
    pricing = Pricing.of(terms, active_rules(), now, salons, caches)
    planned = plan_batch(batch, _to_recalculate(start), start, pricing, skip=held)
    credited = 0
    if held:
        salon_rows = {salon_id: db.session.get(Salon, salon_id) for salon_id in salons}
        for client_id in sorted(held):
            for sale_id in batch[client_id]:
                if sale_id in planned.sales:
                    credited += _credit_sale(db.session.get(Sale, sale_id), accounts[client_id], salon_rows, terms,
                                             now, actor_name)
    open_lots = _load_open_lots([accounts[client_id].id for client_id in planned.credits], max(pricing.todays.values()))
    entry_fields = {"rule_version": terms.version, "staff": actor_name}
    plans = []
    for client_id, credits in planned.credits.items():
        account = accounts[client_id]
        plan = plan_account(account.id, account.balance, account.debt, open_lots.get(account.id, ()), credits,
                            at=now, describe=caches.describe, describe_expiry=caches.describe_expiry,
                            entry_fields=entry_fields)
        account.balance, account.debt = plan.balance, plan.debt
        plans.append(plan)
        credited += plan.credited
    _write(plans)
    return credited


def _load_sales(batch: dict[int, list[int]], conditions: tuple, start: datetime,
                line: Callable) -> dict[int, _SaleRecord]:
    """The batch's sales with their lines, then their active discounts: two queries over the batch's range
    of clients (short statements, whatever the batch's size). The sales are read again (under the lock, when
    recalculating): one no longer meeting `conditions` (refunded or credited since the list was made) is left
    alone. `start`: none is older."""
    wanted = {sale_id for sale_ids in batch.values() for sale_id in sale_ids}
    clients = Sale.client_id.between(min(batch), max(batch))
    connection = db.session.connection()  # plain rows: no ORM objects are loaded
    sales: dict[int, _SaleRecord] = {}
    for row in connection.execute(
            select(Sale.id, Sale.client_id, Sale.salon_id, Sale.paid_at, Sale.discount_code, Sale.code_discount,
                   SaleLine.code, SaleLine.name, SaleLine.kind, SaleLine.category, SaleLine.quantity,
                   SaleLine.unit_price)
            .outerjoin(SaleLine, SaleLine.sale_id == Sale.id).where(clients, *conditions)
            .order_by(Sale.id, SaleLine.position)).all():
        sale = sales.get(row[0])
        if sale is None:
            if row[0] not in wanted:
                continue
            sale = sales[row[0]] = _SaleRecord(*row[:6], [], [])
        if row[6] is not None:
            sale.lines.append(line(*row[6:]))
    for redemption in connection.execute(
            select(Redemption.sale_id, Redemption.id, Redemption.name, Redemption.kind, Redemption.value,
                   Redemption.status)
            .join(Sale, Sale.id == Redemption.sale_id)
            .where(clients, Sale.paid_at >= start, Redemption.status.in_(ACTIVE_REDEMPTIONS))
            .order_by(Redemption.id)).all():
        if redemption.sale_id in sales:
            sales[redemption.sale_id].redemptions.append(redemption)
    return sales


def _load_clients(client_ids: list[int]) -> dict:
    # The sale is judged as it was: never a first sale for referral purposes, at the time it was paid.
    return {row.id: replace(client_facts(row), awaiting_first_sale=False) for row in db.session.connection().execute(
        select(Client.id, Client.birth_date, Client.subscriber, Client.referrer_id, Client.first_paid_sale_id)
        .where(Client.id.in_(client_ids))).all()}


def _load_open_lots(account_ids: list[int], before: date) -> dict[int, list[OpenLot]]:
    """The accounts' lots with points left that expired before `before`: what the sweeps may take."""
    open_lots: dict[int, list[OpenLot]] = {}
    if account_ids:
        for lot in db.session.connection().execute(
                select(PointsLot.id, PointsLot.account_id, PointsLot.remaining, PointsLot.expires_on)
                .where(PointsLot.account_id.in_(account_ids), PointsLot.remaining > 0, PointsLot.expires_on < before)
                .order_by(PointsLot.account_id, PointsLot.expires_on, PointsLot.id)).all():
            open_lots.setdefault(lot.account_id, []).append(OpenLot(lot.remaining, lot.expires_on, lot_id=lot.id))
    return open_lots


def _write(plans) -> None:
    """The plans' rows in a few executemany statements: entries, lots and consumptions with ids taken
    beforehand (so that they can point at each other), then the updates."""
    entries = [entry for plan in plans for entry in plan.entries]
    if not entries:
        return
    db.session.flush()  # anything the ORM still holds goes first: the ids below come after it
    lots, consumptions, emptied = [], [], []
    entry_ids = _new_ids(LedgerEntry.__table__, len(entries))
    lot_ids = _new_ids(PointsLot.__table__, sum(len(plan.lots) for plan in plans))
    entry_offset = lot_offset = 0
    for plan in plans:
        for entry_id, entry in zip(entry_ids[entry_offset:entry_offset + len(plan.entries)], plan.entries):
            entry["id"] = entry_id
        for lot_id, lot in zip(lot_ids[lot_offset:lot_offset + len(plan.lots)], plan.lots):
            entry_index = lot.pop("entry")
            lot["id"], lot["entry_id"] = lot_id, entry_ids[entry_offset + entry_index]
            lots.append(lot)
        for entry_index, lot, points in plan.consumptions:
            lot_id = lot.lot_id if lot.new_index is None else lot_ids[lot_offset + lot.new_index]
            consumptions.append({"entry_id": entry_ids[entry_offset + entry_index], "lot_id": lot_id,
                                 "points": points})
        emptied.extend(plan.emptied_lot_ids)
        entry_offset += len(plan.entries)
        lot_offset += len(plan.lots)
    db.session.execute(insert(LedgerEntry.__table__), entries)
    if lots:
        db.session.execute(insert(PointsLot.__table__), lots)
    if consumptions:
        db.session.execute(insert(LotConsumption.__table__), consumptions)
    if emptied:
        db.session.execute(update(PointsLot).where(PointsLot.id.in_(emptied)).values(remaining=0))
    earned = [{"sale": sale_id, "points": points} for plan in plans
              for sale_id, points in plan.sale_points.items() if points]
    if earned:
        sales = Sale.__table__
        db.session.execute(update(sales).where(sales.c.id == bindparam("sale"))
                           .values(points_earned=sales.c.points_earned + bindparam("points")), earned)


def _new_ids(table, count: int) -> list[int]:
    """`count` unused ids of `table`, ascending, for rows this transaction is about to insert."""
    if not count:
        return []
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":  # the table's own sequence: safe beside tills inserting at the same time
        sequence = func.pg_get_serial_sequence(table.name, "id")
        return sorted(db.session.scalars(select(func.nextval(sequence)).select_from(func.generate_series(1, count))))
    if dialect == "sqlite":  # the transaction began IMMEDIATE: nobody else inserts until it ends
        first = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
        return list(range(first, first + count))
    raise NotImplementedError(f"recalculation does not know how to reserve ids on {dialect}")


def recalculate_sale_by_sale(since: date, progress: Callable[[int], None] | None = None,
                             actor_name: str = "recalculation") -> int:
    """The reference: the same credits one sale at a time through the ORM (slow; see the module's doc)."""
    terms = current_terms()
    if not terms.enabled:
        return 0
    work = sales_to_recalculate(since)
    salons = {salon.id: salon for salon in db.session.scalars(select(Salon))}
    credited = 0
    for start in range(0, len(work), SALE_BY_SALE_BATCH):
        batch = work[start:start + SALE_BY_SALE_BATCH]
        with transaction():
            accounts = ledger.lock_accounts(sorted({client_id for client_id, _ in batch}))
            now = runtime().now()
            for client_id, sale_id in batch:
                credited += _credit_sale(db.session.get(Sale, sale_id), accounts[client_id], salons, terms,
                                         now, actor_name)
        if progress:
            progress(len(batch))
    return credited


def _credit_sale(sale: Sale, account, salons, terms, now, actor_name: str) -> int:
    salon = salons[sale.salon_id]
    paid_local = sale.paid_at.astimezone(ZoneInfo(salon.timezone))
    clock = SalonTime(salon=salon, now=sale.paid_at, local=paid_local)
    context = earning_context(sale, sale_money(sale), clock)
    client = context.client
    # The sale is judged as it was: never a first sale for referral purposes, at the time it was paid.
    context = replace(context, client=replace(client, awaiting_first_sale=False) if client else None)
    quote = quote_sale(context, runtime().earning_rules)
    today = now.astimezone(ZoneInfo(salon.timezone)).date()
    points = 0
    for earning in quote.earnings:
        if earning.beneficiary != CLIENT:
            continue
        ledger.credit(account, points=earning.points, kind=earning.kind,
                      description=say(salon.locale, RECALCULATED, description=earning.description),
                      at=now, earned_on=paid_local.date(),
                      expires_on=expiry_date(paid_local.date(), terms.validity_months), sale_id=sale.id,
                      rule_version=terms.version, salon_id=sale.salon_id, staff=actor_name)
        points += earning.points
    sale.points_earned += points
    ledger.sweep_expired(account, today, salon.timezone, salon.locale)
    return points
