"""The words the ledger writes, from the gettext catalogues (pos_loyalty/translations), without Flask.

A ledger entry keeps its msgid ("%(amount)s spent") and its values, JSON-ready, so that the history reads in
the reader's language: `say(locale, msgid, **values)` gives the text in the salon's language (the entry's
`description`, for receipts, CSV and old readers) carrying its msgid and values; `render(locale, msgid,
values)` writes it again in any language, money and dates in that language's way.

Values: str and int as they are; `Money(amount, currency)` kept as {"money": "30.00", "currency": "EUR"};
a date as {"date": "2027-06-01"}; a said text (another message) as {"message": msgid, "values": {...}}, or
as its plain text when it has no msgid. Mark a msgid for the catalogue with `N_` where it is written.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_currency
from babel.support import NullTranslations, Translations

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


class Said(str):
    """A text in one language that remembers the msgid and values it was written from."""

    message: str | None = None
    values: dict | None = None


@lru_cache(maxsize=32)
def translations(locale: str) -> NullTranslations:
    """The catalogue of a locale ("fr_FR" reads fr's), loaded once; English (the msgids) when there is none."""
    return Translations.load(str(TRANSLATIONS), [locale or "en"])


def gettext(locale: str, msgid: str) -> str:
    return translations(locale).ugettext(msgid)


def _json_ready(value: object) -> object:
    if isinstance(value, Said):
        if value.message is None:
            return str(value)
        return {"message": value.message, "values": value.values or {}}
    if isinstance(value, Money):
        return {"money": f"{Decimal(value.amount):f}", "currency": value.currency}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, (bool, Decimal)):
        return str(value)
    return value


def _written(value: object, locale: str, number_locale: str, date_locale: str) -> object:
    if isinstance(value, dict):
        if "message" in value:
            return render(locale, value["message"], value.get("values"), number_locale, date_locale)
        if "money" in value:
            return _money_written(value["money"], value["currency"], number_locale)
        if "date" in value:
            return _date_written(value["date"], date_locale)
    return value


# Babel's formatting is a pure function of its inputs and costs tens of microseconds a call; a quote writes a
# few amounts and dates per sale, and a recalculation thousands of the same ones.
@lru_cache(maxsize=4096)
def _money_written(amount: str, currency: str, locale: str) -> str:
    return format_currency(Decimal(amount), currency, locale=locale)


@lru_cache(maxsize=4096)
def _date_written(day: str, locale: str) -> str:
    return format_date(date.fromisoformat(day), format="short", locale=locale)


def render(locale: str, msgid: str, values: dict | None = None, number_locale: str | None = None,
           date_locale: str | None = None) -> str:
    """The message in `locale`'s language; money and dates written the locale's way unless told otherwise
    (the panel writes money in the reader's language with the salon's conventions)."""
    number_locale, date_locale = number_locale or locale, date_locale or locale
    text = gettext(locale, msgid)
    if not values:
        return text
    return text % {name: _written(value, locale, number_locale, date_locale) for name, value in values.items()}


def say(locale: str, msgid: str, **values: object) -> Said:
    """The message in the salon's language, carrying its msgid and JSON-ready values."""
    ready = {name: _json_ready(value) for name, value in values.items()}
    said = Said(render(locale, msgid, ready))
    said.message, said.values = msgid, ready
    return said


def message_fields(description: str) -> dict:
    """The entry's columns for a said text: its msgid and values (None for a plain text)."""
    if isinstance(description, Said) and description.message:
        return {"message": description.message, "message_values": description.values}
    return {"message": None, "message_values": None}


def entry_text(entry, locale: str, number_locale: str | None = None, date_locale: str | None = None) -> str:
    """A ledger entry in `locale`'s language; an entry written before messages were kept keeps its text."""
    if not entry.message:
        return entry.description
    return render(locale, entry.message, entry.message_values, number_locale, date_locale)
