"""Exact money: Decimal amounts in minor units arithmetic, never float."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_cents(amount: Decimal) -> int:
    return int((amount / CENT).to_integral_value(rounding=ROUND_HALF_UP))


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) * CENT).quantize(CENT)


def quantize(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def allocate(total_cents: int, weights: list[int]) -> list[int]:
    """Split total_cents across weights in proportion, exactly (largest remainder).

    Used to spread a sale-level discount over the lines so that each line knows what the client
    really pays for it; the parts always add up to the total.
    """
    if total_cents == 0 or not weights:
        return [0] * len(weights)
    weight_sum = sum(weights)
    if weight_sum <= 0:
        return [0] * len(weights)
    exact = [total_cents * w for w in weights]
    parts = [e // weight_sum for e in exact]
    remainders = sorted(range(len(weights)), key=lambda i: (-(exact[i] % weight_sum), i))
    for i in remainders[: total_cents - sum(parts)]:
        parts[i] += 1
    return parts
