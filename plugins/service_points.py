"""Service and category points: a fixed number per unit of a service code or of a category.

A line that has a service rule of its own earns that rule and not its category's: the most specific rule
wins, so "Balayage = 40" inside "Colour = 20" gives 40.
"""
from marshmallow import Schema, fields, validate

from pos_loyalty.hookspecs import Earning, EarningContext, RuleKind, hookimpl

PLUGIN_NAME = "service-points"
__version__ = "1.0"


class ServiceRuleSchema(Schema):
    service_code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    points = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100_000))


class CategoryRuleSchema(Schema):
    category = fields.String(required=True, validate=validate.Length(min=1, max=40))
    points = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100_000))


@hookimpl
def loyalty_rule_kinds():
    return [
        RuleKind("service", ServiceRuleSchema, lambda p: f"{p['service_code']}: {p['points']} points"),
        RuleKind("category", CategoryRuleSchema, lambda p: f"{p['category']}: {p['points']} points"),
    ]


@hookimpl
def loyalty_earnings(context: EarningContext, multiplier):
    if not context.sale_earns:
        return []
    by_code = {r.params["service_code"].upper(): r.params["points"] for r in context.rules_of_kind("service")}
    by_category = {r.params["category"].lower(): r.params["points"] for r in context.rules_of_kind("category")}
    earnings = []
    for line in context.lines:
        per_unit = by_code.get(line.code.upper())
        if per_unit is None:
            per_unit = by_category.get((line.category or "").lower())
        if per_unit:
            label = line.name if line.quantity == 1 else f"{line.name} ×{line.quantity}"
            earnings.append(Earning(kind="service", points=per_unit * line.quantity, description=label))
    return earnings
