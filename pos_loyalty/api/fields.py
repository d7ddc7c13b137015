"""Fields shared by the schemas: money as exact decimal strings with bounds, points as bounded ints."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from marshmallow import ValidationError, fields

MAX_MONEY = Decimal("1000000.00")
MAX_POINTS = 10_000_000


class Money(fields.Field):
    """"75.00" in and out; accepts a JSON number too, but never more than two decimals, never NaN,
    never negative, never above a million."""

    default_error_messages = {
        "invalid": "Not a valid amount: give a decimal string such as \"75.00\".",
        "places": "At most two decimals.",
        "range": "Must be between 0.00 and 1000000.00.",
    }

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return f"{Decimal(value).quantize(Decimal('0.01')):f}"

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.make_error("invalid")
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise self.make_error("invalid") from None
        if not amount.is_finite():
            raise self.make_error("invalid")
        if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
            raise self.make_error("places")
        if amount < 0 or amount > MAX_MONEY:
            raise self.make_error("range")
        return amount.quantize(Decimal("0.01"))


def points_field(**kwargs) -> fields.Integer:
    from marshmallow import validate

    return fields.Integer(strict=True, validate=validate.Range(min=-MAX_POINTS, max=MAX_POINTS), **kwargs)


def reject_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be blank.")
