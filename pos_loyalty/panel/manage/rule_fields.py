"""The form of a rule kind from a plugin, generated from its marshmallow schema.

A plugin declares a kind with a schema and nothing else (hookspecs.RuleKind): each of its fields becomes
an input of the same name, labelled by the field's metadata "label" (else its name made readable), marked
when required, and the schema itself checks what is posted (schemas/rules.py), as for the API.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field
from datetime import date, time
from decimal import Decimal

from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from werkzeug.datastructures import MultiDict

from pos_loyalty.panel.manage.sentences import weekday_names
from pos_loyalty.schemas.fields import Money, Ratio

# A list of small whole numbers (weekdays 1..7, days of the month) is a row of checkboxes; a longer range
# is typed, separated by commas.
MAX_CHECKBOXES = 31


@dataclass
class FormField:
    name: str
    label: str
    widget: str  # text | number | decimal | date | time | switch | select | checks | list
    required: bool = False
    help: str | None = None
    options: list[tuple[str, str]] = dataclass_field(default_factory=list)
    attrs: dict[str, str] = dataclass_field(default_factory=dict)


def _range_of(field: fields.Field) -> validate.Range | None:
    validators = field.validators if isinstance(field.validators, (list, tuple)) else [field.validators]
    return next((v for v in validators if isinstance(v, validate.Range)), None)


def _choices_of(field: fields.Field) -> list | None:
    validators = field.validators if isinstance(field.validators, (list, tuple)) else [field.validators]
    one_of = next((v for v in validators if isinstance(v, validate.OneOf)), None)
    return list(one_of.choices) if one_of else None


def _number_attrs(field: fields.Field) -> dict[str, str]:
    bounds = _range_of(field)
    attrs = {"inputmode": "numeric"}
    if bounds is not None and bounds.min is not None:
        attrs["min"] = str(bounds.min)
    if bounds is not None and bounds.max is not None:
        attrs["max"] = str(bounds.max)
    return attrs


def form_field(name: str, field: fields.Field) -> FormField:
    label = field.metadata.get("label") or name.replace("_", " ").capitalize()
    made = FormField(name=name, label=_(str(label)), widget="text", required=bool(field.required),
                     help=_(str(field.metadata["description"])) if field.metadata.get("description") else None)
    if isinstance(field, fields.Boolean):
        made.widget, made.required = "switch", False  # a switch always says yes or no
    elif isinstance(field, fields.Integer):
        made.widget, made.attrs = "number", _number_attrs(field)
    elif isinstance(field, (Money, Ratio, fields.Decimal, fields.Float)):
        made.widget, made.attrs = "decimal", {"inputmode": "decimal"}
    elif isinstance(field, fields.Date):
        made.widget = "date"
    elif isinstance(field, fields.Time):
        made.widget = "time"
    elif isinstance(field, fields.List) and isinstance(field.inner, fields.Integer):
        bounds = _range_of(field.inner)
        if bounds is not None and bounds.min is not None and bounds.max is not None \
                and bounds.max - bounds.min < MAX_CHECKBOXES:
            made.widget = "checks"
            made.options = [(str(n), str(n)) for n in range(bounds.min, bounds.max + 1)]
            if (bounds.min, bounds.max) == (1, 7) and "day" in name:  # ISO weekdays: say their names
                made.options = [(str(n), day) for n, day in weekday_names()]
        else:
            made.widget = "list"
            made.help = made.help or _("Numbers separated by commas.")
    elif isinstance(field, fields.String) and _choices_of(field):
        made.widget = "select"
        made.options = [("", "")] * (not field.required) + [(str(c), str(c)) for c in _choices_of(field)]
    return made


def form_fields(schema: Schema) -> list[FormField]:
    """The schema's input fields, in its order."""
    return [form_field(field.data_key or name, field) for name, field in schema.fields.items()
            if not field.dump_only]


def spread_lists(schema: Schema, form: MultiDict) -> MultiDict:
    """A typed list ("3, 5, 8") as the repeated values form_payload reads for a list field."""
    typed = {f.name for f in form_fields(schema) if f.widget == "list"}
    if not typed:
        return form
    spread = MultiDict()
    for key, value in form.items(multi=True):
        if key in typed:
            for piece in value.replace(";", ",").split(","):
                if piece.strip():
                    spread.add(key, piece.strip())
            if key not in spread:
                spread.add(key, "")  # given, empty: the list is emptied
        else:
            spread.add(key, value)
    return spread


def shown(value, widget: str):
    """A stored value as its input shows it: "18:00" for a time, "1.5" for a decimal, "3, 5" for a list."""
    if value is None:
        return None
    if widget == "time":
        return str(value)[:5] if not isinstance(value, time) else value.strftime("%H:%M")
    if widget == "date" and isinstance(value, date):
        return value.isoformat()
    if widget == "decimal":
        try:
            return format(Decimal(str(value)).normalize(), "f")
        except ArithmeticError:
            return str(value)
    if widget == "list" and isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return value
