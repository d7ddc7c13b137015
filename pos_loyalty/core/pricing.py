"""What the client pays for each line once discounts are applied.

A sale-level discount (a reward in money, a percent off, the host's discount code amount) is spread over
the lines in proportion to what is left of each; a discount aimed at one line (a free item) comes off that
line first. Spend points are computed on these net amounts, so a reward's discount earns nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .money import allocate, from_cents, to_cents


@dataclass(frozen=True)
class PricedLine:
    code: str
    name: str
    kind: str  # "service" or "product"
    category: str
    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class DiscountClaim:
    amount: Decimal  # positive
    line_index: int | None = None  # None: spread over the sale


@dataclass(frozen=True)
class SalePricing:
    total: Decimal
    discount: Decimal
    to_pay: Decimal
    net_amounts: tuple[Decimal, ...]  # per line, after discounts


def price_sale(lines: list[PricedLine] | tuple[PricedLine, ...], discounts: list[DiscountClaim]) -> SalePricing:
    net = [to_cents(line.amount) for line in lines]
    total_cents = sum(net)
    # Line-targeted discounts first: they name what they pay for.
    for claim in discounts:
        if claim.line_index is not None:
            net[claim.line_index] -= min(to_cents(claim.amount), net[claim.line_index])
    for claim in discounts:
        if claim.line_index is None:
            cents = min(to_cents(claim.amount), sum(net))
            for i, part in enumerate(allocate(cents, net)):
                net[i] -= part
    to_pay = sum(net)
    return SalePricing(
        total=from_cents(total_cents),
        discount=from_cents(total_cents - to_pay),
        to_pay=from_cents(to_pay),
        net_amounts=tuple(from_cents(c) for c in net),
    )
