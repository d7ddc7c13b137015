"""A manager page's form checked by the API's own schema.

A form posts strings; the API's schemas take JSON (true, 12, "1.5", null). `form_payload` turns the one
into the other by the schema's field types, and nothing more: every rule (ranges, patterns, dates in
order, unknown fields) stays the schema's, so the page and the API call refuse the same values with the
same messages. The messages are shown by their field, in the panel's language (`field_errors`).

Conventions of the pages' forms (see templates/manage/_form.html):
- a switch is a checkbox preceded by a hidden input of the same name with value "false", so an unticked
  box still says false;
- an empty box is "not given" (a required field is then missing) or null where the field allows null
  ("never expires", "no end date");
- a list (weekdays) is the same name repeated;
- a decimal may be typed with a comma ("1,5"), as French and Italian managers write it.
"""
from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields
from werkzeug.datastructures import MultiDict

from pos_loyalty.core.errors import DomainError
from pos_loyalty.panel.messages import say
from pos_loyalty.panel.validation_words import say_validation
from pos_loyalty.schemas.fields import Money, Ratio

_INTEGER = re.compile(r"^[+-]?\d{1,19}$")
_DECIMAL_COMMA = re.compile(r"^\s*[+-]?\d*,\d*\s*$")


class FormErrors(Exception):
    """Refused input: messages per field (the form's names), in the panel's language."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def _one(field: fields.Field, raw: str):
    """One posted string as the JSON value the field's schema expects (or the string, for it to refuse)."""
    if isinstance(field, fields.Boolean):
        return {"true": True, "on": True, "false": False, "": False}.get(raw.strip().lower(), raw)
    text = raw.strip()
    if text == "":
        return None
    if isinstance(field, fields.Integer):
        return int(text) if _INTEGER.match(text) else text
    if isinstance(field, (Ratio, Money, fields.Decimal, fields.Float)):
        return text.replace(",", ".") if _DECIMAL_COMMA.match(text) else text
    return raw if isinstance(field, fields.String) else text


def form_payload(schema: Schema, form: MultiDict, names: list[str] | None = None) -> dict:
    """The form's values for the schema's input fields (those in `names` only, when given)."""
    payload: dict = {}
    for name, field in schema.fields.items():
        if field.dump_only or (names is not None and name not in names):
            continue
        key = field.data_key or name
        if key not in form:
            continue
        if isinstance(field, fields.List):
            values = [_one(field.inner, raw) for raw in form.getlist(key)]
            payload[key] = [v for v in values if v is not None]
            continue
        value = _one(field, form.getlist(key)[-1])  # a checkbox after its hidden "false": the last one wins
        if value is None:
            if field.allow_none:
                payload[key] = None
            elif field.required:
                continue  # missing: the schema says so by the field
            elif isinstance(field, fields.String):
                payload[key] = ""
        else:
            payload[key] = value
    return payload


def load_form(schema: Schema, form: MultiDict, names: list[str] | None = None) -> dict:
    """The form checked by the schema: the loaded data, or FormErrors by field."""
    try:
        return schema.load(form_payload(schema, form, names))
    except ValidationError as error:
        raise FormErrors(field_errors(error.normalized_messages())) from None


def field_errors(messages) -> dict[str, list[str]]:
    """marshmallow's messages ({"field": ["..."]}, nested for lists) flattened per field and translated."""
    errors: dict[str, list[str]] = {}

    def add(name: str, value) -> None:
        if isinstance(value, dict):
            for inner in value.values():  # a list's items ({"0": [...]}) are the list's own errors
                add(name, inner)
        elif isinstance(value, (list, tuple)):
            for message in value:
                add(name, message)
        else:
            errors.setdefault(name, []).append(say_validation(str(value)))

    if isinstance(messages, dict):
        for name, value in messages.items():
            add(name, value)
    else:
        add("_schema", messages)
    return errors


def domain_errors(error: DomainError, field_by_code: dict[str, str] | None = None) -> FormErrors:
    """A service's refusal as field errors: by the fields its details name, or by its code's field."""
    details = error.details if isinstance(error.details, dict) else {}
    per_field = {name: value for name, value in details.items() if isinstance(value, (list, str))}
    field = (field_by_code or {}).get(error.code)
    if field:
        return FormErrors({field: [say(error)]})
    if per_field:
        return FormErrors(field_errors(per_field))
    return FormErrors({"_schema": [say(error)]})
