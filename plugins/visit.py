"""Visit points: a fixed number of points per paid sale (a stamp card), from an optional minimum paid.

"1 point per visit, a reward at 10" is the booking app's card. The amount that counts is what the client
pays for the sale after every discount; the manager's exclusions (a discount code, a subscriber, a reward
that says its sale earns nothing) stop a visit from counting as they stop every other rule.
"""
from decimal import Decimal

from marshmallow import Schema, fields, validate

from pos_loyalty.hookspecs import Earning, EarningContext, RuleKind, hookimpl
from pos_loyalty.schemas.fields import Money
from pos_loyalty.translatable import N_

PLUGIN_NAME = "visit"
__version__ = "1.0"


class VisitRuleSchema(Schema):
    points = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100_000),
                            metadata={"label": N_("Points per visit")})
    min_amount = Money(load_default=None, allow_none=True,
                       metadata={"label": N_("Minimum paid for the visit to count"),
                                 "description": N_("Leave empty: every paid visit counts.")})


def _describe(params) -> str:
    text = f"{params['points']} points per visit"
    if params.get("min_amount") is not None:
        text += f" (from {params['min_amount']})"
    return text


@hookimpl
def loyalty_rule_kinds():
    return [RuleKind("visit", VisitRuleSchema, _describe)]


def paid_for_sale(context: EarningContext) -> Decimal:
    """What the client pays for the whole sale, after every discount."""
    return sum(context.net_amounts, Decimal(0))


@hookimpl
def loyalty_earnings(context: EarningContext, multiplier: Decimal):
    rules = context.rules_of_kind("visit")
    if not rules or not context.sale_earns or context.client is None or not context.lines:
        return []
    paid = paid_for_sale(context)
    earnings = []
    for rule in rules:
        minimum = rule.params.get("min_amount")
        if minimum is not None and paid < Decimal(str(minimum)):
            continue
        points = int(rule.params["points"])
        description = context.say(N_("A point for the visit")) if points == 1 else \
            context.say(N_("%(points)s points for the visit"), points=points)
        earnings.append(Earning(kind="earn", points=points, description=description))
    return earnings
