"""The schemas' refusals in the panel's language.

The API answers marshmallow's and our schemas' messages in English; the panel shows the same refusal in
the manager's language. A constant message is looked up as it is (its msgid is the English sentence); a
message marshmallow formats with values ("Must be greater than or equal to 1 and less than or equal to
120.") is matched against marshmallow's own templates and said again with our words and the same values.
"""
from __future__ import annotations

import re

from flask_babel import gettext as _


def _range_words(low_op: str | None, low: str | None, high_op: str | None, high: str | None) -> str:
    inclusive = {"greater than or equal to", "less than or equal to"}
    if low is not None and high is not None and low_op in inclusive and high_op in inclusive:
        return _("From %(min)s to %(max)s.", min=low, max=high)
    parts = []
    if low is not None:
        parts.append(_("at least %(min)s", min=low) if low_op in inclusive else _("more than %(min)s", min=low))
    if high is not None:
        parts.append(_("at most %(max)s", max=high) if high_op in inclusive else _("less than %(max)s", max=high))
    return _("Must be %(bounds)s.", bounds=_(" and ").join(parts))


_OPS = r"(greater than or equal to|greater than|less than or equal to|less than)"
_PATTERNS = [
    (re.compile(rf"^Must be {_OPS} (.+?) and {_OPS} (.+)\.$"),
     lambda m: _range_words(m.group(1), m.group(2), m.group(3), m.group(4))),
    (re.compile(r"^Must be (greater than or equal to|greater than) (.+)\.$"),
     lambda m: _range_words(m.group(1), m.group(2), None, None)),
    (re.compile(r"^Must be (less than or equal to|less than) (.+)\.$"),
     lambda m: _range_words(None, None, m.group(1), m.group(2))),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"),
     lambda m: _("Too short: at least %(min)s characters.", min=m.group(1))),
    (re.compile(r"^Longer than maximum length (\d+)\.$"),
     lambda m: _("Too long: at most %(max)s characters.", max=m.group(1))),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"),
     lambda m: _("From %(min)s to %(max)s characters.", min=m.group(1), max=m.group(2))),
    (re.compile(r"^Must be one of: (.+)\.$"), lambda m: _("Choose one of: %(choices)s.", choices=m.group(1))),
    (re.compile(r"^Not a valid (date|time|datetime)\.$"),
     lambda m: {"date": _("Not a valid date."), "time": _("Not a valid time (HH:MM)."),
                "datetime": _("Not a valid date and time.")}[m.group(1)]),
    (re.compile(r'^"(.*)" cannot be formatted as a (date|time|datetime)\.$'), lambda m: _("Not a valid date.")),
]

# marshmallow's constant messages, said in the manager's words (the msgids are marshmallow's sentences).
_CONSTANT = {
    "Missing data for required field.": lambda: _("Required."),
    "Field may not be null.": lambda: _("Required."),
    "Not a valid integer.": lambda: _("A whole number, e.g. 12."),
    "Not a valid number.": lambda: _("A number, e.g. 1.5."),
    "Not a valid boolean.": lambda: _("Yes or no."),
    "Not a valid email address.": lambda: _("Not a valid e-mail address."),
    "Unknown field.": lambda: _("Unknown field."),
    "Invalid value.": lambda: _("Invalid value."),
    "Number too large.": lambda: _("Number too large."),
}


def say_validation(message: str) -> str:
    """One refusal in the panel's language (unchanged when no words of ours exist for it)."""
    if message in _CONSTANT:
        return _CONSTANT[message]()
    for pattern, words in _PATTERNS:
        found = pattern.match(message)
        if found:
            return words(found)
    return _(message)
