"""The rules of staff accounts and API tokens, in one place for the services, the API and the panel's forms."""
from __future__ import annotations

import re

from pos_loyalty.translatable import N_

STAFF_ROLES = ("cashier", "manager")
TOKEN_ROLES = ("till", "manager")

# A PIN is typed on a till's keypad: ASCII digits only (\d would let other scripts' digits in).
PIN_PATTERN = r"^[0-9]{4,8}$"
PIN_RULE = N_("A PIN is 4 to 8 digits.")


def pin_is_valid(pin: str) -> bool:
    return isinstance(pin, str) and re.fullmatch(PIN_PATTERN, pin) is not None
