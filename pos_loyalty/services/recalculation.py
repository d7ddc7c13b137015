"""Recalculate history: credit past paid sales that earned nothing (the program was off, or the sales
predate its activation), with today's rules. Append-only: entries are dated at the sale and expire from
its day, so points already past their validity come and go at once, as they would have.

Referral and welcome bonuses are not replayed (they reward an introduction, not a sale), and a sale that
earned anything is never touched: running it twice credits once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select

from pos_loyalty.core.lots import expiry_date
from pos_loyalty.core.quote import CLIENT, quote_sale
from pos_loyalty.core.wording import say
from pos_loyalty.extensions import db
from pos_loyalty.models import LedgerEntry, Sale, Salon
from pos_loyalty.runtime import runtime
from pos_loyalty.services import ledger
from pos_loyalty.services.context import SalonTime, current_terms
from pos_loyalty.services.sale_view import earning_context, sale_money
from pos_loyalty.services.transaction import transaction

BATCH_CLIENTS = 200
AUTOMATIC_KINDS = ("earn", "service", "bonus")


def sales_to_recalculate(since: date) -> list[tuple[int, int]]:
    """(client id, sale id) of paid sales since `since` with a client and no automatic points."""
    earned = exists().where(LedgerEntry.sale_id == Sale.id, LedgerEntry.kind.in_(AUTOMATIC_KINDS))
    start = datetime.combine(since, time.min, ZoneInfo("UTC"))
    return list(db.session.execute(
        select(Sale.client_id, Sale.id).where(Sale.status == "paid", Sale.client_id.is_not(None),
                                              Sale.paid_at >= start, ~earned)
        .order_by(Sale.client_id, Sale.paid_at, Sale.id)).all())


def recalculate(since: date, progress: Callable[[int], None] | None = None, actor_name: str = "recalculation") -> int:
    """Returns the points credited; `progress(n)` is told after each batch how many sales it handled."""
    terms = current_terms()
    if not terms.enabled:
        return 0
    work = sales_to_recalculate(since)
    salons = {salon.id: salon for salon in db.session.scalars(select(Salon))}
    credited = 0
    for start in range(0, len(work), BATCH_CLIENTS * 4):
        batch = work[start:start + BATCH_CLIENTS * 4]
        with transaction():  # one short transaction per batch: tills keep selling meanwhile
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
                      description=say(salon.locale, "{description} (recalculated)", description=earning.description),
                      at=now, earned_on=paid_local.date(),
                      expires_on=expiry_date(paid_local.date(), terms.validity_months), sale_id=sale.id,
                      rule_version=terms.version, salon_id=sale.salon_id, staff=actor_name)
        points += earning.points
    sale.points_earned += points
    ledger.sweep_expired(account, today, salon.timezone, salon.locale)
    return points


def clients_count(since: date) -> int:
    return len({client_id for client_id, _ in sales_to_recalculate(since)})


