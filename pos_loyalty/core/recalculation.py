"""Planning a recalculation of history for one account, in plain Python: which ledger entries, lots and lot
consumptions crediting past sales writes, exactly as crediting them one by one would.

For every sale in order: each client earning is a credit (a new lot that pays back any debt first, see
`plan_credit`), then the account is swept: every live lot past its expiry date leaves, one expiry entry per
expiry day. The service loads the facts in bulk, asks the quote of every sale, and writes the plan in bulk.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .lots import is_expired, plan_credit
from .messages import message_fields
from .quote import Earning


@dataclass(slots=True)
class SaleCredit:
    """One sale to credit: the client's earnings from its quote, and where and when it happens."""

    sale_id: int
    salon_id: int
    earnings: tuple[Earning, ...]  # the client's only, in the quote's order
    earned_on: date  # the sale's day in its salon's time zone: the lots' validity runs from it
    expires_on: date | None
    today: date  # the salon's today: lots whose expiry date is before it leave
    zone: str
    locale: str


@dataclass(slots=True)
class OpenLot:
    """A lot with points left that an expiry could take: an existing one (`lot_id`) or one of the plan's."""

    remaining: int
    expires_on: date
    lot_id: int | None = None  # an existing lot
    new_index: int | None = None  # an index into the plan's lots


@dataclass
class AccountPlan:
    account_id: int
    balance: int
    debt: int
    entries: list[dict] = field(default_factory=list)  # ledger rows, in the order they would be written
    lots: list[dict] = field(default_factory=list)  # "entry" is an index into entries
    consumptions: list[tuple[int, OpenLot, int]] = field(default_factory=list)  # (entry index, lot, points)
    emptied_lot_ids: list[int] = field(default_factory=list)  # existing lots an expiry took to 0
    sale_points: dict[int, int] = field(default_factory=dict)  # points earned per sale
    expired: int = 0  # points the sweeps took

    @property
    def credited(self) -> int:
        return sum(self.sale_points.values())


def _words(description: str) -> dict:
    """An entry's description (cut to its column) with the msgid and values it was said from."""
    return {"description": description[:250], **message_fields(description)}


def plan_account(account_id: int, balance: int, debt: int, open_lots: Sequence[OpenLot],
                 sales: Sequence[SaleCredit], *, at: datetime, describe: Callable[[str, str], str],
                 describe_expiry: Callable[[str, int, date], str], entry_fields: dict) -> AccountPlan:
    """The rows crediting `sales` (in order) to one account writes.

    `open_lots`: the account's lots with points left whose expiry date may be passed; `describe(locale,
    earning description)` and `describe_expiry(locale, points, day)` word the entries; `entry_fields` are the
    same on every credit entry (rule version, staff)."""
    plan = AccountPlan(account_id, balance, debt)
    candidates = [lot for lot in open_lots if lot.expires_on is not None and lot.remaining > 0]
    for sale in sales:
        points = 0
        for earning in sale.earnings:
            debt_paid, left = plan_credit(earning.points, plan.debt)
            plan.entries.append({
                "account_id": account_id, "at": at, "kind": earning.kind, "points": earning.points,
                **_words(describe(sale.locale, earning.description)), "expires_on": sale.expires_on,
                "sale_id": sale.sale_id, "salon_id": sale.salon_id, **entry_fields})
            plan.lots.append({
                "account_id": account_id, "entry": len(plan.entries) - 1, "sale_id": sale.sale_id,
                "points": earning.points, "remaining": left, "earned_on": sale.earned_on,
                "expires_on": sale.expires_on})
            if left and sale.expires_on is not None:
                candidates.append(OpenLot(left, sale.expires_on, new_index=len(plan.lots) - 1))
            plan.debt -= debt_paid
            plan.balance += earning.points
            points += earning.points
        plan.sale_points[sale.sale_id] = plan.sale_points.get(sale.sale_id, 0) + points
        if candidates:
            candidates = _sweep(plan, candidates, sale, describe_expiry)
    return plan


def _sweep(plan: AccountPlan, candidates: list[OpenLot], sale: SaleCredit, describe_expiry) -> list[OpenLot]:
    """What `ledger.sweep_expired` does after each credit: one expiry entry per day whose points ran out."""
    by_day: dict[date, list[OpenLot]] = {}
    kept = []
    for lot in candidates:
        if is_expired(lot.expires_on, sale.today):
            by_day.setdefault(lot.expires_on, []).append(lot)
        else:
            kept.append(lot)
    for day in sorted(by_day):
        lots = by_day[day]
        points = sum(lot.remaining for lot in lots)
        plan.entries.append({
            "account_id": plan.account_id,
            # Dated when the points left: the first moment of the day after their expiry date.
            "at": datetime.combine(day + timedelta(days=1), time.min, ZoneInfo(sale.zone)),
            "kind": "expire", "points": -points, **_words(describe_expiry(sale.locale, points, day)),
            "expires_on": None, "sale_id": None, "salon_id": None, "rule_version": None, "staff": ""})
        for lot in lots:
            plan.consumptions.append((len(plan.entries) - 1, lot, lot.remaining))
            if lot.new_index is not None:
                plan.lots[lot.new_index]["remaining"] = 0
            else:
                plan.emptied_lot_ids.append(lot.lot_id)
            lot.remaining = 0
        plan.balance -= points
        plan.expired += points
    return kept
