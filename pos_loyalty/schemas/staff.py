"""The back office's staff and API token forms (the command line checks the same rules: core/staff.py)."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from pos_loyalty.core.staff import PIN_PATTERN, PIN_RULE, STAFF_ROLES, TOKEN_ROLES
from pos_loyalty.schemas.bodies import Strict
from pos_loyalty.schemas.fields import Pattern, Text
from pos_loyalty.translatable import N_

MAX_TOKEN_DAYS = 36500


def StaffName(**kwargs) -> Text:  # noqa: N802 - a field factory reads like a field
    return Text(non_blank=True, validate=validate.Length(min=1, max=80, error=N_("From 1 to 80 characters.")), **kwargs)


class StaffSchema(Strict):
    """A new staff member; `only=("role",)` or `only=("pin",)` checks one change of an existing one."""

    name = StaffName(required=True)
    role = Text(required=True, validate=validate.OneOf(STAFF_ROLES, error=N_("Choose cashier or manager.")))
    pin = Text(required=True, load_only=True, validate=Pattern(PIN_PATTERN, error=PIN_RULE))


class TokenSchema(Strict):
    """A new API token: a till token belongs to one of the salon's tills; it may expire after some days."""

    name = StaffName(required=True)
    role = Text(required=True, validate=validate.OneOf(TOKEN_ROLES, error=N_("Choose till or manager.")))
    till = Text(allow_none=True, load_default=None, validate=validate.Length(max=40))
    expires_in_days = fields.Integer(strict=True, allow_none=True, load_default=None,
                                     validate=validate.Range(1, MAX_TOKEN_DAYS, error=N_("From 1 to 36500 days.")))

    @validates_schema
    def till_token_has_a_till(self, data, **kwargs):
        if data.get("role") == "till" and not data.get("till"):
            raise ValidationError(N_("A till token belongs to a till: choose it."), "till")
