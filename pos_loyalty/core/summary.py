"""The loyalty summary shown at the till: balance, holds, what expires when, rewards now and next."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from .lots import LotView, is_expired


@dataclass(frozen=True)
class RewardOffer:
    id: int
    name: str
    points_cost: int


@dataclass(frozen=True)
class ExpiringPoints:
    points: int
    expires_on: date


@dataclass(frozen=True)
class LoyaltySummary:
    balance: int
    held: int
    available: int
    expiring: tuple[ExpiringPoints, ...]
    eligible_rewards: tuple[RewardOffer, ...]
    next_reward: RewardOffer | None
    points_missing: int

    @property
    def next_expiry(self) -> ExpiringPoints | None:
        return self.expiring[0] if self.expiring else None


def expiring_points(lots: Iterable[LotView], today: date, debt: int = 0) -> tuple[ExpiringPoints, ...]:
    """Live points grouped by expiry date, soonest first; a debt is taken from the soonest first, as the
    next credit would not pay it back before those points go."""
    by_day: dict[date, int] = defaultdict(int)
    for lot in lots:
        if lot.remaining > 0 and lot.expires_on is not None and not is_expired(lot.expires_on, today):
            by_day[lot.expires_on] += lot.remaining
    groups = []
    for day in sorted(by_day):
        points = by_day[day]
        absorbed = min(points, debt)
        debt -= absorbed
        if points - absorbed > 0:
            groups.append(ExpiringPoints(points=points - absorbed, expires_on=day))
    return tuple(groups)


def summarise(balance: int, held: int, lots: Sequence[LotView], rewards: Sequence[RewardOffer], today: date,
              debt: int = 0) -> LoyaltySummary:
    available = balance - held
    ordered = sorted(rewards, key=lambda r: (r.points_cost, r.id))
    eligible = tuple(r for r in ordered if balance >= 0 and r.points_cost <= available)
    ahead = [r for r in ordered if r.points_cost > available]
    next_reward = ahead[0] if ahead else None
    return LoyaltySummary(
        balance=balance,
        held=held,
        available=available,
        expiring=expiring_points(lots, today, debt),
        eligible_rewards=eligible,
        next_reward=next_reward,
        points_missing=(next_reward.points_cost - max(available, 0)) if next_reward else 0,
    )
