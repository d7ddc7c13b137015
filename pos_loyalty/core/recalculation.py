"""Planning a recalculation of history for one account, in plain Python: which ledger entries, lots and lot
consumptions bringing past sales to what they earn today writes, exactly as changing them one by one would.

For every sale, `sale_changes` compares what today's quote gives, kind by kind (earn, service, bonus: the
automatic kinds), with what the ledger already holds for the sale: nothing held yet, the quote's earnings
are written as they are; more due, one entry for the difference; less due, one negative entry taking the
difference back as a refund does (the sale's own lots first, then the soonest-expiring live lots; what they
cannot cover is a debt). Then, per sale in order: the removals, the credits (new lots that pay back any debt
first, see `plan_credit`), then the account is swept: every live lot past its expiry date leaves, one expiry
entry per expiry day. The service loads the facts in bulk, asks the quote of every sale, and writes the plan
in bulk. A sale already at what it earns changes nothing: a second run writes no entry.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .lots import is_expired, plan_credit
from .messages import message_fields
from .quote import Earning


@dataclass(frozen=True, slots=True)
class Change:
    """One entry a sale's recalculation writes: `points` > 0 a credit, < 0 points taken back.
    `description`: the quote's earning's words; None for a difference (the caller words it)."""

    kind: str
    points: int
    description: str | None = None


def sale_changes(earnings: Sequence[Earning], already: Mapping[str, int], kinds: Sequence[str]) -> tuple[Change, ...]:
    """What brings a sale from the automatic points the ledger holds for it (`already`, per kind) to the
    quote's `earnings`: the removals first, then the credits, each kind in the order of `kinds`."""
    due: dict[str, int] = {}
    for earning in earnings:
        if earning.kind in kinds:
            due[earning.kind] = due.get(earning.kind, 0) + earning.points
    removals, credits = [], []
    for kind in kinds:
        held, owed = already.get(kind, 0), due.get(kind, 0)
        if owed == held:
            continue
        if held == 0:  # nothing yet (never earned, or reset): the quote's own entries, in its words
            credits.extend(Change(e.kind, e.points, e.description) for e in earnings if e.kind == kind)
        elif owed > held:
            credits.append(Change(kind, owed - held))
        else:
            removals.append(Change(kind, owed - held))
    return (*removals, *credits)


@dataclass(slots=True)
class SaleCredit:
    """One sale to credit: the client's earnings from its quote, and where and when it happens.
    `changes`: what to write for it (see `sale_changes`); None writes every earning as a credit.
    `own_lots`: the ids of the sale's automatic lots, which a removal takes from first."""

    sale_id: int
    salon_id: int
    earnings: tuple[Earning, ...]  # the client's only, in the quote's order
    earned_on: date  # the sale's day in its salon's time zone: the lots' validity runs from it
    expires_on: date | None
    today: date  # the salon's today: lots whose expiry date is before it leave
    zone: str
    locale: str
    changes: tuple[Change, ...] | None = None
    own_lots: tuple[int, ...] = ()

    def planned_changes(self) -> tuple[Change, ...]:
        if self.changes is None:
            return tuple(Change(e.kind, e.points, e.description) for e in self.earnings)
        return self.changes


@dataclass(slots=True)
class OpenLot:
    """A lot with points left that an expiry or a removal could take: an existing one (`lot_id`) or one of
    the plan's (`new_index`)."""

    remaining: int
    expires_on: date | None
    lot_id: int | None = None  # an existing lot
    new_index: int | None = None  # an index into the plan's lots
    earned_on: date | None = None

    def order(self) -> tuple:
        """core.lots.consumption_order's: soonest expiry first, never last; older first; then by id (the
        plan's new lots come after every existing one, as their ids will)."""
        made = (0, self.lot_id) if self.new_index is None else (1, self.new_index)
        return (self.expires_on is None, self.expires_on or date.max, self.earned_on or date.min, made)


@dataclass
class AccountPlan:
    account_id: int
    balance: int
    debt: int
    entries: list[dict] = field(default_factory=list)  # ledger rows, in the order they would be written
    lots: list[dict] = field(default_factory=list)  # "entry" is an index into entries
    consumptions: list[tuple[int, OpenLot, int]] = field(default_factory=list)  # (entry index, lot, points)
    emptied_lot_ids: list[int] = field(default_factory=list)  # existing lots an expiry took to 0
    lot_updates: dict[int, int] = field(default_factory=dict)  # existing lot id -> remaining after a removal
    sale_points: dict[int, int] = field(default_factory=dict)  # points earned per sale (net of removals)
    expired: int = 0  # points the sweeps took
    added: int = 0  # points credited
    removed: int = 0  # points taken back (a positive number)

    @property
    def credited(self) -> int:
        return sum(self.sale_points.values())


def _words(description: str) -> dict:
    """An entry's description (cut to its column) with the msgid and values it was said from."""
    return {"description": description[:250], **message_fields(description)}


def plan_account(account_id: int, balance: int, debt: int, open_lots: Sequence[OpenLot],
                 sales: Sequence[SaleCredit], *, at: datetime, describe: Callable[[str, str], str],
                 describe_expiry: Callable[[str, int, date], str], entry_fields: dict,
                 describe_change: Callable[[str, int, int], str] | None = None) -> AccountPlan:
    """The rows changing `sales` (in order) of one account writes.

    `open_lots`: the account's lots with points left whose expiry date may be passed, and every live one
    when a sale takes points back; `describe(locale, earning description)`, `describe_change(locale, sale
    id, points)` and `describe_expiry(locale, points, day)` word the entries; `entry_fields` are the same
    on every entry of a sale (rule version, staff)."""
    plan = AccountPlan(account_id, balance, debt)
    candidates = [lot for lot in open_lots if lot.remaining > 0]
    for sale in sales:
        points = 0
        for change in sale.planned_changes():
            words = (describe(sale.locale, change.description) if change.description is not None
                     else describe_change(sale.locale, sale.sale_id, change.points))
            entry = {"account_id": account_id, "at": at, "kind": change.kind, "points": change.points,
                     **_words(words), "expires_on": sale.expires_on if change.points > 0 else None,
                     "sale_id": sale.sale_id, "salon_id": sale.salon_id, **entry_fields}
            plan.entries.append(entry)
            if change.points > 0:
                _plan_credit(plan, candidates, sale, change.points)
            else:
                _plan_removal(plan, candidates, sale, -change.points)
            points += change.points
        plan.sale_points[sale.sale_id] = plan.sale_points.get(sale.sale_id, 0) + points
        if candidates:
            candidates = _sweep(plan, candidates, sale, describe_expiry)
    return plan


def _plan_credit(plan: AccountPlan, candidates: list[OpenLot], sale: SaleCredit, points: int) -> None:
    """ledger.credit: a new lot, paying back any debt first."""
    debt_paid, left = plan_credit(points, plan.debt)
    plan.lots.append({
        "account_id": plan.account_id, "entry": len(plan.entries) - 1, "sale_id": sale.sale_id,
        "points": points, "remaining": left, "earned_on": sale.earned_on, "expires_on": sale.expires_on})
    if left:
        candidates.append(OpenLot(left, sale.expires_on, new_index=len(plan.lots) - 1, earned_on=sale.earned_on))
    plan.debt -= debt_paid
    plan.balance += points
    plan.added += points


def _plan_removal(plan: AccountPlan, candidates: list[OpenLot], sale: SaleCredit, points: int) -> None:
    """ledger.debit with debt allowed, the sale's own lots preferred (core.lots.plan_debit's order)."""
    live = [lot for lot in candidates if lot.remaining > 0 and not is_expired(lot.expires_on, sale.today)]
    own = {lot.lot_id: lot for lot in live if lot.new_index is None and lot.lot_id in set(sale.own_lots)}
    preferred = [own[lot_id] for lot_id in sale.own_lots if lot_id in own]
    others = sorted((lot for lot in live if not any(lot is p for p in preferred)), key=OpenLot.order)
    left = points
    for lot in preferred + others:
        if left == 0:
            break
        take = min(lot.remaining, left)
        plan.consumptions.append((len(plan.entries) - 1, lot, take))
        lot.remaining -= take
        if lot.new_index is not None:
            plan.lots[lot.new_index]["remaining"] = lot.remaining
        else:
            plan.lot_updates[lot.lot_id] = lot.remaining
        left -= take
    plan.debt += left
    plan.balance -= points
    plan.removed += points


def _sweep(plan: AccountPlan, candidates: list[OpenLot], sale: SaleCredit, describe_expiry) -> list[OpenLot]:
    """What `ledger.sweep_expired` does after each sale: one expiry entry per day whose points ran out."""
    by_day: dict[date, list[OpenLot]] = {}
    kept = []
    for lot in candidates:
        if lot.remaining <= 0:  # emptied by a removal
            continue
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
