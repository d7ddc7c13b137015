"""Referral codes made from the client's name: MARIE-DUPONT, then MARIE-DUPONT-2; accents folded."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")


def fold(text: str) -> str:
    """Lower-case ASCII without accents: 'Hélène Ørsted' -> 'helene orsted' (for codes and search)."""
    text = text.replace("ß", "ss").replace("æ", "ae").replace("Æ", "AE").replace("œ", "oe").replace("Œ", "OE")
    text = text.replace("ø", "o").replace("Ø", "O").replace("ł", "l").replace("Ł", "L")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def referral_code_base(first_name: str, last_name: str) -> str:
    base = _NOT_ALNUM.sub("-", fold(f"{first_name} {last_name}").upper()).strip("-")
    return base[:40].rstrip("-") or "CLIENT"


def unique_referral_code(first_name: str, last_name: str, is_taken: Callable[[str], bool]) -> str:
    base = referral_code_base(first_name, last_name)
    if not is_taken(base):
        return base
    suffix = 2
    while is_taken(f"{base}-{suffix}"):
        suffix += 1
    return f"{base}-{suffix}"


def normalise_referral_code(code: str) -> str:
    """What a cashier types ('paul martin', 'Paul-Martin ') to the stored form."""
    return _NOT_ALNUM.sub("-", fold(code).upper()).strip("-")
