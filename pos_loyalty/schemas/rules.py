"""An earning rule's own fields, checked by its kind's schema: the one check of POST/PATCH /rules and of
the manager's rules page, so both refuse the same values with the same messages."""
from __future__ import annotations

from marshmallow import ValidationError

from pos_loyalty.core.errors import Invalid
from pos_loyalty.runtime import runtime


def rule_kind(kind_name: str):
    """The kind (with its schema and `describe`) a plugin declared under this name; Invalid if none did."""
    kind = runtime().earning_rules.rule_kinds().get(kind_name)
    if kind is None:
        known = sorted(runtime().earning_rules.rule_kinds())
        raise Invalid(f"Unknown rule kind {kind_name!r}.", code="validation_error",
                      details={"kind": [f"One of: {', '.join(known)}."]})
    return kind


def validate_rule_params(kind_name: str, params: dict, partial: bool = False) -> dict:
    """The params loaded by the kind's schema and dumped as JSON-ready values (as they are stored);
    Invalid with marshmallow's messages by field when refused."""
    schema = rule_kind(kind_name).schema()
    try:
        loaded = schema.load(params, partial=partial)
    except ValidationError as error:
        raise Invalid("Some fields are missing or invalid.", code="validation_error",
                      details=error.normalized_messages()) from None
    return schema.dump(loaded)
