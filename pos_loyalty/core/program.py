"""The loyalty program's terms as one immutable version, and the rounding of points."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

ROUNDING_MODES = {"floor": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "ceiling": ROUND_CEILING}


@dataclass(frozen=True)
class ProgramTerms:
    version: int
    enabled: bool = True
    currency: str = "EUR"
    points_per_unit: Decimal = Decimal("1")
    rounding: str = "floor"
    validity_months: int | None = 12
    products_earn: bool = True
    discounted_sales_earn: bool = False
    subscribers_earn: bool = False
    referrer_bonus: int = 0
    welcome_bonus: int = 0
    allow_stacking: bool = False
    catalogue_only: bool = False  # host POS lines must name an item of the salon's catalogue
    reward_mode: str = "redeem"  # redeem: rewards cost points | milestone: lifetime points issue codes
    referral_thanks_email: bool = False  # the referrer is thanked by e-mail when a referral pays


@dataclass(frozen=True)
class EarningRule:
    """A manager-configured rule of a kind that a plugin understands (service, category, multiplier...)."""

    id: int
    kind: str
    params: dict = field(default_factory=dict)


def round_points(value: Decimal, mode: str) -> int:
    if mode not in ROUNDING_MODES:
        raise ValueError(f"unknown rounding mode {mode!r}")
    return int(value.to_integral_value(rounding=ROUNDING_MODES[mode]))
