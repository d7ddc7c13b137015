"""Amounts as the cashier sees and types them: "95,00" in a French salon, "95.00" in an English one.

Reading is forgiving about the decimal mark ("95,00" and "95.00" both mean 95 euros), the currency
sign, spaces and the salon's grouping mark ("1 234,50", "1.234,50" in Italy), and strict about
everything else: no letters, no exponent, no more than two decimals. The bounds of an amount are the
API's (its Money field), not a second copy of them.
"""
from __future__ import annotations

import re
from decimal import Decimal

from babel import Locale
from babel.numbers import format_decimal, get_currency_symbol, get_group_symbol
from marshmallow import ValidationError

from pos_loyalty.schemas.fields import Money


class AmountError(ValueError):
    """Why a typed amount is refused: "invalid", "negative" or "range"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def plain_amount(value, locale: str) -> str:
    """An amount for an input field: no currency sign, no grouping, the salon's decimal mark."""
    return format_decimal(Decimal(value), format="0.00", locale=locale)


def parse_amount(typed: str, locale: str, currency: str = "EUR") -> Decimal:
    text = re.sub(r"\s+", "", typed or "")  # also the no-break spaces a copied "95,00 €" carries
    for sign in {get_currency_symbol(currency, Locale.parse(locale)), currency, "€"}:
        text = text.replace(sign, "")
    negative = text[:1] in ("-", "−")
    if negative:
        text = text[1:]
    group = re.escape(get_group_symbol(locale)) if get_group_symbol(locale) in ".,'’" else None
    whole = rf"\d{{1,3}}(?:{group}\d{{3}})+|\d+" if group else r"\d+"
    found = re.fullmatch(rf"({whole})(?:[.,](\d{{1,2}}))?", text)
    if not found:
        raise AmountError("invalid")
    if negative:
        raise AmountError("negative")
    digits = re.sub(r"\D", "", found.group(1)) + "." + (found.group(2) or "0")
    try:
        return Money().deserialize(digits)
    except ValidationError:
        raise AmountError("range") from None
