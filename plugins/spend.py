"""Spend points: floor(eligible amount paid x points per currency unit x multiplier)."""
from decimal import Decimal

from pos_loyalty.core.program import round_points
from pos_loyalty.hookspecs import Earning, EarningContext, hookimpl
from pos_loyalty.translatable import N_

PLUGIN_NAME = "spend"
__version__ = "1.0"


def eligible_amount(context: EarningContext) -> Decimal:
    """What the client pays for lines that earn spend points (retail lines only if the manager allows)."""
    return sum(
        (net for line, net in zip(context.lines, context.net_amounts)
         if line.kind == "service" or context.terms.products_earn),
        Decimal(0),
    )


@hookimpl
def loyalty_earnings(context: EarningContext, multiplier: Decimal):
    if not context.sale_earns:
        return []
    amount = eligible_amount(context)
    points = round_points(amount * context.terms.points_per_unit * multiplier, context.terms.rounding)
    if points <= 0:
        return []
    if multiplier != 1:
        description = context.say(N_("%(amount)s spent ×%(factor)s"), amount=context.money(amount),
                                  factor=f"{multiplier.normalize():f}")
    else:
        description = context.say(N_("%(amount)s spent"), amount=context.money(amount))
    return [Earning(kind="earn", points=points, description=description)]
