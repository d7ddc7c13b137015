"""Recalculate history: bring the automatic points (spend, service and category points, multipliers: the
ledger kinds earn, service, bonus) of past paid sales to what today's rules give them, and reset them.

For every paid sale with a client in the period (`recalculate_history`), the quote by today's programme and
rules, with the sale's own date for promotions and weekdays, is compared kind by kind with the automatic
points the ledger already holds for the sale (what it earned at the till, earlier recalculations, a reset);
the difference is written (core.recalculation.sale_changes). Append-only: every entry is dated now; a credit
is a lot whose validity runs from the sale's own day, so points already past their validity come and go at
once (an expiry entry), as they would have; points taken back come from the sale's own lots first, then the
soonest-expiring ones, as a refund takes them (a debt when they are spent). A sale already at what it earns
writes nothing: a second run changes nothing. Referral and welcome bonuses, manual adjustments, grants and
redemptions are never touched (an introduction or a manager's act, not a sale's earning). Imported sales
(sales.source "import") earned nothing when they came in: the first recalculation credits them.
`reset_points` is the same walk with nothing due: every paid sale's automatic points are taken back (the
manual ones stay); a recalculation then gives them back.

The walk goes in batches of clients, one short transaction each (tills keep selling meanwhile), the batches
read page by page (keyset on the client id: memory stays flat however long the history): the sales, their
lines and discounts, the clients and what the ledger holds for the sales are read in a few set-based
queries, every sale is quoted by the same `quote_sale` with the same plugins as at the till,
core.recalculation plans the rows, and they are written with executemany inserts. The planning part
(`plan_batch`: the sales loaded, each one's quote) writes nothing and takes any terms and rules: the what-if
preview (services/preview.py) prices the same sales with it under changed rules. `recalculate_sale_by_sale`
is the same thing one sale at a time through the ORM: the reference the batched path is tested against, and
the path taken for the rare account that has points held on an open sale (an expiry or a removal may have
to release holds).
"""
from __future__ import annotations

import gc
import time as timer
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, exists, func, insert, select, update

from pos_loyalty.core.lots import add_months, expiry_date
from pos_loyalty.core.messages import say
from pos_loyalty.core.pricing import PricedLine
from pos_loyalty.core.program import EarningRule, ProgramTerms
from pos_loyalty.core.quote import CLIENT, EarningContext, EarningRuleProvider, quote_sale
from pos_loyalty.core.recalculation import OpenLot, SaleCredit, plan_account, sale_changes
from pos_loyalty.extensions import db
from pos_loyalty.models import (LOT_IS_OPEN, Client, LedgerEntry, LotConsumption, PointsAccount, PointsLot, Redemption, Sale,
                                SaleLine, Salon)
from pos_loyalty.runtime import runtime
from pos_loyalty.services import audit, ledger
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.context import SalonTime, active_rules, current_terms, money_formatter
from pos_loyalty.services.sale_view import (ACTIVE_REDEMPTIONS, client_facts, earning_context, rewards_let_sale_earn,
                                            sale_money)
from pos_loyalty.services.transaction import transaction
from pos_loyalty.translatable import N_

BATCH_CLIENTS = 500
BATCH_SALES = 2_000  # a batch closes once it holds this many sales (a client's sales stay together)
SALE_BY_SALE_BATCH = 800  # sales per transaction on the sale-by-sale path
AUTOMATIC_KINDS = ("earn", "service", "bonus")
PERIODS = {"3m": 3, "6m": 6, "12m": 12, "all": None}
BEGINNING = datetime(1970, 1, 1, tzinfo=UTC)  # `--period all`: every sale ever paid


@dataclass
class Outcome:
    """What a recalculation or a reset did."""

    sales: int = 0  # the paid sales it looked at
    sales_changed: int = 0  # those whose automatic points changed
    points_added: int = 0
    points_removed: int = 0  # a positive number
    clients: int = 0  # clients whose points changed
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def period_start(period: str, salon_id: int | None = None) -> datetime:
    """The first moment of a period (3m, 6m, 12m, all): the salon's local midnight that many months before
    its today (the first salon's, when none is given), as the what-if preview counts its months."""
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}")
    months = PERIODS[period]
    if months is None:
        return BEGINNING
    salon = db.session.get(Salon, salon_id) if salon_id else db.session.scalars(select(Salon).order_by(Salon.id)).first()
    zone = ZoneInfo(salon.timezone if salon else "UTC")
    today = runtime().now().astimezone(zone).date()
    return datetime.combine(add_months(today, -months), time.min, zone).astimezone(UTC)


def since_start(since: date) -> datetime:
    """`--since DATE`: from that day's first moment (UTC)."""
    return datetime.combine(since, time.min, UTC)


def sales_to_recalculate(since: date) -> list[tuple[int, int]]:
    """(client id, sale id) of the paid sales with a client since `since`."""
    return _sales_where(paid_since(since_start(since)))


def _sales_where(conditions: tuple) -> list[tuple[int, int]]:
    """(client id, sale id) of the sales meeting `conditions`, a client's sales together, oldest first."""
    return list(db.session.execute(
        select(Sale.client_id, Sale.id).where(*conditions).order_by(Sale.client_id, Sale.paid_at, Sale.id)).all())


def paid_since(start: datetime, salon_id: int | None = None) -> tuple:
    """The conditions of every paid sale with a client since `start` (of one salon, when given)."""
    conditions = (Sale.status == "paid", Sale.client_id.is_not(None), Sale.paid_at >= start)
    return conditions if salon_id is None else (*conditions, Sale.salon_id == salon_id)


def _automatic_entries_of_sale():
    return exists().where(LedgerEntry.sale_id == Sale.id, LedgerEntry.kind.in_(AUTOMATIC_KINDS))


def _conditions(start: datetime, salon_id: int | None, reset: bool) -> tuple:
    if reset:  # every paid sale that earned automatic points, whenever
        return (*paid_since(BEGINNING, salon_id), _automatic_entries_of_sale())
    return paid_since(start, salon_id)


def count_sales(start: datetime = BEGINNING, salon_id: int | None = None, reset: bool = False) -> int:
    """How many sales a recalculation from `start` (or a reset) walks: its progress bar's length."""
    return db.session.scalar(select(func.count(Sale.id)).where(*_conditions(start, salon_id, reset))) or 0


def clients_count(since: date) -> int:
    return len({client_id for client_id, _ in sales_to_recalculate(since)})


def recalculate(since: date, progress: Callable[[int], None] | None = None, actor_name: str = "recalculation") -> int:
    """Every paid sale since `since` brought to today's rules; returns the points it added less those it
    took back. `progress(n)` is told after each batch how many sales it handled."""
    outcome = recalculate_history(since_start(since), progress=progress, actor_name=actor_name)
    return outcome.points_added - outcome.points_removed


def reset_points(salon_id: int | None = None, progress: Callable[[int], None] | None = None,
                 actor: Actor | None = None) -> Outcome:
    """Every automatic point of every paid sale (of one salon, when given) taken back; the rest stays."""
    return recalculate_history(BEGINNING, salon_id=salon_id, progress=progress, actor=actor, reset=True)


def recalculate_history(start: datetime, *, salon_id: int | None = None,
                        progress: Callable[[int], None] | None = None, actor_name: str = "recalculation",
                        actor: Actor | None = None, reset: bool = False, audit_object: str = "") -> Outcome:
    """The paid sales since `start` (of one salon, when given) brought to today's rules, or with `reset`
    every paid sale's automatic points taken back. `actor`: who asked (its name goes on the entries, and
    the run on the audit trail). While the programme is off nothing is recalculated."""
    began = timer.perf_counter()
    outcome = Outcome()
    terms = current_terms()
    if actor is not None:
        actor_name = actor.name
    if reset:
        terms = replace(terms, enabled=False)  # nothing is due: every automatic point goes back
    if terms.enabled or reset:
        with young_objects_only():
            conditions = _conditions(start, salon_id, reset)
            salons = load_salons()
            caches = _Caches(reset)
            touched: set[int] = set()
            for page in _pages(conditions):
                with transaction():  # one short transaction per batch: tills keep selling meanwhile
                    handled = _change_batch(page, conditions, start, salons, terms, actor_name, caches, outcome,
                                            touched)
                if progress:
                    progress(handled)
            outcome.clients = len(touched)
    outcome.seconds = round(timer.perf_counter() - began, 3)
    if actor is not None:
        with transaction():
            audit.record(actor, "points.reset" if reset else "points.recalculate", audit_object or
                         ("all clients" if reset else f"sales since {start.date().isoformat()}"), None,
                         outcome.as_dict())
    return outcome


def _pages(conditions: tuple) -> Iterator[dict[int, list[int]]]:
    """The sales meeting `conditions`, batch after batch (client id -> sale ids, a client's sales together,
    oldest first), each read when it is needed (keyset on the client id: the whole list is never held). A
    batch closes at BATCH_SALES sales or BATCH_CLIENTS clients; a client with more sales is a batch alone."""
    last = 0
    while True:
        with transaction():
            rows = db.session.execute(
                select(Sale.client_id, Sale.id).where(*conditions, Sale.client_id > last)
                .order_by(Sale.client_id, Sale.paid_at, Sale.id).limit(BATCH_SALES)).all()
            if not rows:
                return
            batch: dict[int, list[int]] = {}
            cut = len(rows) == BATCH_SALES  # the last client's sales may go on beyond the page
            for client_id, sale_id in rows:
                if client_id not in batch and len(batch) >= BATCH_CLIENTS:
                    cut = False  # every client of the batch is whole
                    break
                batch.setdefault(client_id, []).append(sale_id)
            if cut:
                tail = next(reversed(batch))
                if len(batch) > 1:
                    del batch[tail]  # the next page starts with it
                else:
                    batch[tail] = list(db.session.scalars(
                        select(Sale.id).where(*conditions, Sale.client_id == tail).order_by(Sale.paid_at, Sale.id)))
        yield batch
        last = next(reversed(batch))


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
RECALCULATED_MORE = N_("Sale #%(sale)s recalculated by today's rules")
RECALCULATED_LESS = N_("Sale #%(sale)s recalculated by today's rules: points taken back")
RESET = N_("Sale #%(sale)s: automatic points reset")
EXPIRED = N_("%(points)s points expired (valid until %(day)s)")  # the words of ledger.sweep_expired


class _Caches:
    """What is expensive and repeated over a run: a salon's history is the same few lines and baskets."""

    def __init__(self, reset: bool = False):
        self.reset = reset
        self.line = _memoised(PricedLine)  # one immutable line per distinct line
        self.net_amounts: dict = {}  # basket -> what the client pays per line
        self.expiry = _memoised(expiry_date)
        self.describe = _memoised(lambda locale, text: say(locale, RECALCULATED, description=text))
        self.expiry_words = _memoised(lambda locale, points, day: say(locale, EXPIRED, points=points, day=day))

    def describe_expiry(self, locale: str, points: int, day: date) -> str:
        """The words of ledger.sweep_expired."""
        return self.expiry_words(locale, points, day)

    def describe_change(self, locale: str, sale_id: int, points: int) -> str:
        return describe_change(locale, sale_id, points, self.reset)


    def net_amounts_of(self, sale: _SaleRecord) -> tuple[Decimal, ...]:
        """sale_view.sale_money's net amounts, once per distinct basket (lines and discount code amount)."""
        if sale.redemptions:  # rewards on the sale: rare, priced each time
            return sale_money(sale).pricing.net_amounts
        key = (tuple(sale.lines), sale.code_discount)
        amounts = self.net_amounts.get(key)
        if amounts is None:
            amounts = self.net_amounts[key] = sale_money(sale).pricing.net_amounts
        return amounts


def describe_change(locale: str, sale_id: int, points: int, reset: bool) -> str:
    """The words of a difference: more points due, points taken back, or a reset."""
    msgid = RESET if reset else RECALCULATED_MORE if points > 0 else RECALCULATED_LESS
    return say(locale, msgid, sale=sale_id)


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
            format_money=salon.format_money, locale=salon.locale, currency=salon.currency,
            rewards_earn=rewards_let_sale_earn(sale.redemptions))
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


def _change_batch(batch: dict[int, list[int]], conditions: tuple, start: datetime, salons: dict[int, _SalonFacts],
                  terms: ProgramTerms, actor_name: str, caches: _Caches, outcome: Outcome, touched: set[int]) -> int:
    """One batch brought to `terms`, under the lock of its accounts; returns how many sales it handled."""
    accounts = ledger.lock_accounts(sorted(batch))
    now = runtime().now()
    # An expiry or a removal may have to release points held on an open sale: those few go sale by sale.
    held = {client_id for client_id in batch if accounts[client_id].held}
    pricing = Pricing.of(terms, active_rules(), now, salons, caches)
    planned = plan_batch(batch, conditions, start, pricing, skip=held)
    if held:
        salon_rows = {salon_id: db.session.get(Salon, salon_id) for salon_id in salons}
        for client_id in sorted(held):
            for sale_id in batch[client_id]:
                if sale_id in planned.sales:
                    added, removed = _change_sale(db.session.get(Sale, sale_id), accounts[client_id], salon_rows,
                                                  terms, now, actor_name)
                    _count(outcome, touched, client_id, added, removed)
    already = _automatic_points([credit.sale_id for credits in planned.credits.values() for credit in credits],
                                [accounts[client_id].id for client_id in planned.credits])
    removing: set[int] = set()
    changed: dict[int, list[SaleCredit]] = {}
    for client_id, credits in planned.credits.items():
        for credit in credits:
            held_points, own_lots = already.get(credit.sale_id, ({}, ()))
            changes = sale_changes(credit.earnings, held_points, AUTOMATIC_KINDS)
            if changes:
                changed.setdefault(client_id, []).append(replace(credit, changes=changes, own_lots=own_lots))
                if any(change.points < 0 for change in changes):
                    removing.add(accounts[client_id].id)
    open_lots = _load_open_lots([accounts[client_id].id for client_id in changed], max(pricing.todays.values()),
                                removing)
    entry_fields = {"rule_version": terms.version, "staff": actor_name}
    plans = []
    for client_id, credits in changed.items():
        account = accounts[client_id]
        plan = plan_account(account.id, account.balance, account.debt, open_lots.get(account.id, ()), credits,
                            at=now, describe=caches.describe, describe_expiry=caches.describe_expiry,
                            describe_change=caches.describe_change, entry_fields=entry_fields)
        account.balance, account.debt = plan.balance, plan.debt
        plans.append(plan)
        outcome.sales_changed += len(credits)
        _count(outcome, touched, client_id, plan.added, plan.removed, sales=0)
    _write(plans)
    handled = sum(len(sale_ids) for sale_ids in batch.values())
    outcome.sales += handled
    return handled


def _count(outcome: Outcome, touched: set[int], client_id: int, added: int, removed: int, sales: int = 1) -> None:
    if added or removed:
        touched.add(client_id)
        outcome.sales_changed += sales
    outcome.points_added += added
    outcome.points_removed += removed


def _automatic_points(sale_ids: list[int], account_ids: list[int]) -> dict[int, tuple[dict[str, int], tuple[int, ...]]]:
    """Per sale: the automatic points its client's ledger holds for it, per kind, and the ids of its
    automatic lots with points left (a removal takes from them first), in two set-based queries."""
    held: dict[int, tuple[dict[str, int], tuple[int, ...]]] = {}
    if not sale_ids:
        return held
    connection = db.session.connection()
    own = (LedgerEntry.kind.in_(AUTOMATIC_KINDS), LedgerEntry.sale_id.in_(sale_ids),
           PointsAccount.id == LedgerEntry.account_id, Sale.id == LedgerEntry.sale_id,
           PointsAccount.client_id == Sale.client_id)
    for sale_id, kind, points in connection.execute(
            select(LedgerEntry.sale_id, LedgerEntry.kind, func.sum(LedgerEntry.points))
            .where(*own).group_by(LedgerEntry.sale_id, LedgerEntry.kind)).all():
        held.setdefault(sale_id, ({}, ()))[0][kind] = int(points)
    lots: dict[int, list[int]] = {}
    # From the accounts' open lots (their partial index) to their entries (by primary key): points_lots has
    # no index on entry_id, and a join the other way round would read it whole for every batch.
    for sale_id, lot_id in connection.execute(
            select(LedgerEntry.sale_id, PointsLot.id).select_from(PointsLot)
            .join(LedgerEntry, LedgerEntry.id == PointsLot.entry_id)
            .where(PointsLot.account_id.in_(account_ids), LOT_IS_OPEN,
                   LedgerEntry.kind.in_(AUTOMATIC_KINDS), LedgerEntry.sale_id.in_(sale_ids))
            .order_by(PointsLot.id)).all():
        lots.setdefault(sale_id, []).append(lot_id)
    for sale_id, lot_ids in lots.items():
        held[sale_id] = (held.get(sale_id, ({}, ()))[0], tuple(lot_ids))
    return held


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
                   Redemption.status, Redemption.sale_earns)
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


def _load_open_lots(account_ids: list[int], before: date, removing: set[int]) -> dict[int, list[OpenLot]]:
    """The accounts' lots with points left that expired before `before` (what the sweeps may take), and
    every lot with points left of the accounts in `removing` (what a removal may take)."""
    open_lots: dict[int, list[OpenLot]] = {}
    if account_ids:
        wanted = PointsLot.expires_on < before
        if removing:
            wanted = wanted | PointsLot.account_id.in_(sorted(removing))
        for lot in db.session.connection().execute(
                select(PointsLot.id, PointsLot.account_id, PointsLot.remaining, PointsLot.expires_on,
                       PointsLot.earned_on)
                # The literal "remaining > 0" of the open lots' partial index (a bound 0 would not match it).
                .where(PointsLot.account_id.in_(account_ids), LOT_IS_OPEN, wanted)
                .order_by(PointsLot.account_id, PointsLot.expires_on, PointsLot.id)).all():
            open_lots.setdefault(lot.account_id, []).append(
                OpenLot(lot.remaining, lot.expires_on, lot_id=lot.id, earned_on=lot.earned_on))
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
    taken = [{"lot": lot_id, "left": left} for plan in plans for lot_id, left in plan.lot_updates.items()]
    if taken:  # lots a removal took from (an expiry may empty them afterwards: that update comes last)
        lots_table = PointsLot.__table__
        db.session.execute(update(lots_table).where(lots_table.c.id == bindparam("lot"))
                           .values(remaining=bindparam("left")), taken)
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


def recalculate_sale_by_sale(since: date | None = None, progress: Callable[[int], None] | None = None,
                             actor_name: str = "recalculation", *, start: datetime | None = None,
                             salon_id: int | None = None, reset: bool = False) -> int:
    """The reference: the same changes one sale at a time through the ORM (slow; see the module's doc).
    Returns the points added less those taken back."""
    terms = current_terms()
    if reset:
        terms = replace(terms, enabled=False)
    elif not terms.enabled:
        return 0
    start = since_start(since) if start is None else start
    work = _sales_where(_conditions(start, salon_id, reset))
    salons = {salon.id: salon for salon in db.session.scalars(select(Salon))}
    net = 0
    for first in range(0, len(work), SALE_BY_SALE_BATCH):
        batch = work[first:first + SALE_BY_SALE_BATCH]
        with transaction():
            accounts = ledger.lock_accounts(sorted({client_id for client_id, _ in batch}))
            now = runtime().now()
            for client_id, sale_id in batch:
                added, removed = _change_sale(db.session.get(Sale, sale_id), accounts[client_id], salons, terms,
                                              now, actor_name, reset)
                net += added - removed
        if progress:
            progress(len(batch))
    return net


def _change_sale(sale: Sale, account, salons, terms: ProgramTerms, now, actor_name: str,
                 reset: bool | None = None) -> tuple[int, int]:
    """One sale brought to `terms` (today's, or nothing due for a reset): returns (added, taken back)."""
    reset = not terms.enabled if reset is None else reset
    salon = salons[sale.salon_id]
    paid_local = sale.paid_at.astimezone(ZoneInfo(salon.timezone))
    clock = SalonTime(salon=salon, now=sale.paid_at, local=paid_local)
    context = earning_context(sale, sale_money(sale), clock)
    client = context.client
    # The sale is judged as it was: never a first sale for referral purposes, at the time it was paid.
    context = replace(context, terms=terms,
                      client=replace(client, awaiting_first_sale=False) if client else None)
    quote = quote_sale(context, runtime().earning_rules)
    today = now.astimezone(ZoneInfo(salon.timezone)).date()
    own = (LedgerEntry.sale_id == sale.id, LedgerEntry.account_id == account.id,
           LedgerEntry.kind.in_(AUTOMATIC_KINDS))
    already = {kind: int(points) for kind, points in db.session.execute(
        select(LedgerEntry.kind, func.sum(LedgerEntry.points)).where(*own).group_by(LedgerEntry.kind))}
    own_lots = tuple(db.session.scalars(select(PointsLot.id).join(LedgerEntry, PointsLot.entry_id == LedgerEntry.id)
                                        .where(*own, LOT_IS_OPEN).order_by(PointsLot.id)))
    changes = sale_changes([e for e in quote.earnings if e.beneficiary == CLIENT], already, AUTOMATIC_KINDS)
    added = removed = 0
    expires_on = expiry_date(paid_local.date(), terms.validity_months)
    source = {"sale_id": sale.id, "rule_version": terms.version, "salon_id": sale.salon_id, "staff": actor_name}
    for change in changes:
        words = (say(salon.locale, RECALCULATED, description=change.description) if change.description is not None
                 else describe_change(salon.locale, sale.id, change.points, reset))
        if change.points > 0:
            ledger.credit(account, points=change.points, kind=change.kind, description=words, at=now,
                          earned_on=paid_local.date(), expires_on=expires_on, **source)
            added += change.points
        else:
            ledger.debit(account, points=-change.points, kind=change.kind, description=words, at=now, today=today,
                         allow_debt=True, preferred_lot_ids=own_lots, **source)
            removed -= change.points
    if not changes:
        return 0, 0  # nothing written, nothing swept (as the batched path, which leaves such a sale alone)
    sale.points_earned += added - removed
    ledger.sweep_expired(account, today, salon.timezone, salon.locale)
    if removed:
        ledger.release_excess_holds(account)
    return added, removed
