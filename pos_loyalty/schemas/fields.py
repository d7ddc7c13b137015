"""Fields shared by the schemas: text without control characters, money as exact decimal strings, points
as bounded ints. Each bound is written where the OpenAPI document reads it (pattern, maximum, maxLength),
and the check is that same pattern or range: the document and the answers cannot disagree.

The maxima (README, "API"): an amount of money is at most 10,000,000.00, a points field at most
1,000,000,000, a quantity at most 999, a sale has at most 200 lines and earns at most 1,000,000,000
points. Whatever adds them up (a sale's total, a balance, a report) stays far below 2**63.
"""
from __future__ import annotations

import re
from decimal import Decimal

from marshmallow import ValidationError, fields, validate

from pos_loyalty.core import quote as core_quote
from pos_loyalty.translatable import N_

MAX_MONEY = Decimal("10000000.00")
MAX_POINTS = 1_000_000_000
MAX_QUANTITY = 999
MAX_SALE_POINTS = core_quote.MAX_SALE_POINTS

# Control characters other than tab and newline (C0, DEL, C1): PostgreSQL refuses NUL, the others garble
# receipts and CSV exports. Written with \u escapes so that Python, ECMA and Rust regexes (the document's
# readers) see the same class.
CONTROL_CHARACTERS = r"\u0000-\u0008\u000b-\u001f\u007f-\u009f"
# Lone UTF-16 surrogates (JSON can carry them as "\ud800"; no driver can encode them) are refused too, but
# stay out of the documented pattern: Rust's regex cannot name a surrogate, and no generator makes one.
FORBIDDEN_CHARACTERS = CONTROL_CHARACTERS + r"\ud800-\udfff"
TEXT_PATTERN = rf"^[^{CONTROL_CHARACTERS}]*$"
# Text with at least one character that is not white space: names, reasons.
NON_BLANK_PATTERN = rf"^[^{CONTROL_CHARACTERS}]*[^\s{CONTROL_CHARACTERS}][^{CONTROL_CHARACTERS}]*$"
_FORBIDDEN = re.compile(f"[{FORBIDDEN_CHARACTERS}]")


def text_problem(value: str) -> str | None:
    """Why a string is not text we keep, in words, or None when it is."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        return f"holds U+{code:04X}, half of a UTF-16 pair (a lone surrogate), which is not text."
    return f"holds U+{code:04X}, a control character: only tab and new line are allowed."


class Pattern(validate.Regexp):
    """A regular expression the whole value must match (marshmallow's Regexp lets "EUR\\n" through
    `^[A-Z]{3}$`, and a JSON Schema validator would not)."""

    def __call__(self, value: str) -> str:
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


class Text(fields.String):
    """A string that is text: no control character but tab and newline, no lone surrogate.

    `non_blank=True` also refuses a value of spaces only. Without a pattern of its own, the field is
    documented with the text pattern; a field with its own Pattern (codes, phone numbers) must allow
    no control character in it, which a character class of letters and digits already does."""

    default_error_messages = {"blank": N_("Must not be blank.")}

    def __init__(self, *, non_blank: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.non_blank = non_blank
        if not any(isinstance(validator, (validate.Regexp, validate.OneOf)) for validator in self.validators):
            self.metadata = {**self.metadata, "pattern": NON_BLANK_PATTERN if non_blank else TEXT_PATTERN}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text)
        if problem:
            raise ValidationError(f"{self.data_key or self.name or 'This text'} {problem}")
        if self.non_blank and not text.strip():
            raise self.make_error("blank")
        return text


class Email(Text, fields.Email):
    """An e-mail address, which is text too."""


class StrictBoolean(fields.Boolean):
    """JSON true or false, nothing else: 0 and 1 (equal to False and True in Python) are refused too."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


# An amount: digits, at most two decimals, 0 to 10,000,000.00 (leading zeros allowed, as typed).
MONEY_PATTERN = r"^0*([0-9]{1,7}(\.[0-9]{1,2})?|10000000(\.00?)?)$"


class Money(fields.Field):
    """"75.00" in and out: a decimal string with at most two decimals, 0.00 to 10,000,000.00. Never a JSON
    number (the contract carries money as strings; a float is not exact)."""

    default_error_messages = {
        "invalid": N_("Not an amount: give a decimal string such as \"75.00\" (0.00 to 10000000.00, two"
                      " decimals at most)."),
        "number": N_("Give the amount as a decimal string such as \"75.00\", not a JSON number."),
    }
    _pattern = re.compile(MONEY_PATTERN)

    def __init__(self, **kwargs):
        metadata = {"type": "string", "pattern": MONEY_PATTERN, "example": "75.00",
                    "description": "a decimal string, 0.00 to 10000000.00", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return f"{Decimal(value).quantize(Decimal('0.01')):f}"

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise self.make_error("number")
        if not isinstance(value, str) or self._pattern.fullmatch(value) is None:
            raise self.make_error("invalid")
        return Decimal(value).quantize(Decimal("0.01"))


# A ratio such as "0.5", "1", "2": 0 to 1000, four decimals at most.
RATIO_PATTERN = r"^0*([0-9]{1,3}(\.[0-9]{1,4})?|1000(\.0{1,4})?)$"


class Ratio(fields.Field):
    """A decimal ratio such as "0.5", "1", "2" (points per currency unit), dumped without trailing zeros."""

    default_error_messages = {"invalid": N_("Give a decimal string such as \"1\" or \"0.5\" (0 to 1000, four"
                                            " decimals at most).")}
    _pattern = re.compile(RATIO_PATTERN)

    def __init__(self, **kwargs):
        metadata = {"type": "string", "pattern": RATIO_PATTERN, "example": "1", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{Decimal(value).normalize():f}"

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or self._pattern.fullmatch(value) is None:
            raise self.make_error("invalid")
        return Decimal(value)
