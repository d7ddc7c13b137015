"""Points lots: every credit is a lot with an expiry date; debits consume the soonest-expiring first.

A debit larger than the lots (a refund of points already spent) leaves a debt: the balance is negative
until later credits pay it back. Balance = sum of lot remainders - debt.
"""
from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_date(earned_on: date, validity_months: int | None) -> date | None:
    """The last day the points count; None when points never expire."""
    if validity_months is None:
        return None
    return add_months(earned_on, validity_months)


def is_expired(expires_on: date | None, today: date) -> bool:
    """Points leave the balance on the day after their expiry date."""
    return expires_on is not None and expires_on < today


@dataclass(frozen=True)
class LotView:
    id: int
    remaining: int
    earned_on: date
    expires_on: date | None


def consumption_order(lots: Iterable[LotView]) -> list[LotView]:
    """Soonest expiry first; lots that never expire last; older first among equals."""
    return sorted(lots, key=lambda lot: (lot.expires_on is None, lot.expires_on or date.max, lot.earned_on, lot.id))


@dataclass(frozen=True)
class DebitPlan:
    takes: tuple[tuple[int, int], ...]  # (lot id, points taken)
    shortfall: int  # points not covered by lots: becomes debt


def plan_debit(lots: Sequence[LotView], points: int, today: date, preferred_ids: Sequence[int] = ()) -> DebitPlan:
    """Which lots a debit of `points` consumes: the preferred lots first (a refund reverses the sale's own
    lots), then the live lots soonest-expiry-first. Expired lots are never consumed."""
    if points < 0:
        raise ValueError("a debit is a positive number of points")
    live = [lot for lot in lots if lot.remaining > 0 and not is_expired(lot.expires_on, today)]
    preferred = [lot for lot_id in preferred_ids for lot in live if lot.id == lot_id]
    others = consumption_order(lot for lot in live if lot.id not in set(preferred_ids))
    takes, left = [], points
    for lot in preferred + others:
        if left == 0:
            break
        take = min(lot.remaining, left)
        takes.append((lot.id, take))
        left -= take
    return DebitPlan(takes=tuple(takes), shortfall=left)


def plan_credit(points: int, debt: int) -> tuple[int, int]:
    """A credit pays the debt first: returns (debt paid, points left in the new lot)."""
    if points < 0:
        raise ValueError("a credit is a positive number of points")
    paid = min(points, debt)
    return paid, points - paid
