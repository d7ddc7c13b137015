"""Promotions: multiply spend points over a date range, on some weekdays, between some hours."""
from datetime import time
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from pos_loyalty.hookspecs import EarningContext, Multiplier, RuleKind, hookimpl
from pos_loyalty.translatable import N_

PLUGIN_NAME = "multiplier"
__version__ = "1.0"
# How the OpenAPI document describes a time of day ("18:00", "18:00:30").
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
WEEKDAY_NAMES = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}


class MultiplierRuleSchema(Schema):
    factor = fields.Decimal(required=True, as_string=True, places=2,
                            validate=validate.Range(min=Decimal("0.01"), max=Decimal("100"),
                                                    error=N_("A factor from 0.01 to 100, e.g. 2 for double points.")))
    starts_on = fields.Date(load_default=None, allow_none=True)
    ends_on = fields.Date(load_default=None, allow_none=True)
    weekdays = fields.List(fields.Integer(strict=True, validate=validate.Range(
                               min=1, max=7, error=N_("A weekday is a number from 1 (Monday) to 7 (Sunday)."))),
                           load_default=list, validate=validate.Length(max=7, error=N_("At most the seven days of the week.")),
                           metadata={"uniqueItems": True})
    from_time = fields.Time(load_default=None, allow_none=True, metadata={"pattern": TIME_PATTERN})
    to_time = fields.Time(load_default=None, allow_none=True, metadata={"pattern": TIME_PATTERN})
    description = fields.String(load_default="", validate=validate.Length(max=80, error=N_("A name of 80 characters at most.")))

    @validates_schema
    def check_ranges(self, data, **kwargs):
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError(N_("The end date is before the start date."), "ends_on")
        if (data.get("from_time") is None) != (data.get("to_time") is None):
            raise ValidationError(N_("Give both a start and an end time, or neither."), "to_time")
        if data.get("from_time") and data["to_time"] <= data["from_time"]:
            raise ValidationError(N_("The end time must be after the start time."), "to_time")
        if len(set(data.get("weekdays") or [])) != len(data.get("weekdays") or []):
            raise ValidationError(N_("A weekday is listed twice."), "weekdays")


def _describe(params) -> str:
    text = params.get("description") or f"×{Decimal(str(params['factor'])).normalize():f} points"
    if params.get("weekdays"):
        text += " (" + ", ".join(WEEKDAY_NAMES[d] for d in sorted(params["weekdays"])) + ")"
    return text


@hookimpl
def loyalty_rule_kinds():
    return [RuleKind("multiplier", MultiplierRuleSchema, _describe)]


def in_force(params: dict, context: EarningContext) -> bool:
    day, moment = context.at.date(), context.at.time().replace(tzinfo=None)
    starts_on, ends_on = params.get("starts_on"), params.get("ends_on")
    if starts_on and day.isoformat() < str(starts_on):
        return False
    if ends_on and day.isoformat() > str(ends_on):
        return False
    if params.get("weekdays") and day.isoweekday() not in params["weekdays"]:
        return False
    if params.get("from_time"):
        if not time.fromisoformat(str(params["from_time"])) <= moment < time.fromisoformat(str(params["to_time"])):
            return False
    return True


@hookimpl
def loyalty_multipliers(context: EarningContext):
    if not context.sale_earns:
        return []
    # The promotion as the till names it: its own name ("Mardi points doublés"), or the kind's wording.
    return [Multiplier(Decimal(str(rule.params["factor"])), rule.params.get("description") or _describe(rule.params))
            for rule in context.rules_of_kind("multiplier") if in_force(rule.params, context)]
