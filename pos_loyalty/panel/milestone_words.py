"""Milestone codes in the reader's language: their states, and the refusals a code meets at the till or in
the back office (chosen by the service's stable error code, as panel/messages.py does)."""
from __future__ import annotations

from flask_babel import gettext as _

from pos_loyalty.core.errors import DomainError
from pos_loyalty.panel.messages import say


def code_status(status: str) -> str:
    words = {"available": _("to use"), "issued": _("to use"), "held": _("on an open sale"), "used": _("used"), "void": _("voided")}
    return words.get(status, status)


def code_refusal(error: DomainError) -> str:
    known = {
        "code_not_found": lambda: _("No reward has this code."),
        "bad_code": lambda: _("A code is six letters."),
        "grant_used": lambda: _("This code was used already."),
        "code_used": lambda: _("This code was used already."),
        "grant_void": lambda: _("This code was voided by a manager."),
        "code_void": lambda: _("This code was voided by a manager."),
        "grant_held": lambda: _("This code is on an open sale already."),
        "code_held": lambda: _("This code is on an open sale already."),
        "grant_not_found": lambda: _("This code belongs to another client."),
        "code_other_client": lambda: _("This code belongs to another client."),
        "one_discount_per_sale": lambda: _("A code never combines with a discount code or another reward."),
        "code_with_discount": lambda: _("A code never combines with a discount code or another reward."),
    }
    return known[error.code]() if error.code in known else say(error)
