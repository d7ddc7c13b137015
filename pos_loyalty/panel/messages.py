"""Refusals from the services, in the cashier's language: chosen by their stable code."""
from __future__ import annotations

from flask_babel import gettext as _

from pos_loyalty.core.errors import DomainError


def say(error: DomainError) -> str:
    known = {
        "login_locked": lambda: _("Too many wrong PINs: this login is locked for a few minutes."),
        "wrong_pin": lambda: _("Wrong PIN."),
        "insufficient_points": lambda: _("Not enough points for this reward."),
        "one_discount_per_sale": lambda: _("One reward or discount code per sale."),
        "negative_balance": lambda: _("The balance is negative: no reward until it is positive again."),
        "no_client": lambda: _("Choose the client before applying a reward."),
        "overpayment": lambda: _("More than what is due: only cash gives change."),
        "zero_payment": lambda: _("Type the amount received, e.g. 50.00"),
        "program_disabled": lambda: _("The loyalty programme is switched off."),
        "no_printer": lambda: _("No printer is set up for this till."),
        "unknown_referral_code": lambda: _("No client has this referral code."),
        "rewards_held": lambda: _("Remove the rewards before changing the client."),
        "not_this_till": lambda: _("This device works at its own till only."),
        "till_not_found": lambda: _("This salon has no such till."),
        "unknown_item": lambda: _("No service or product of the catalogue has this code."),
        "item_exists": lambda: _("This code is taken in the salon's catalogue: choose another one."),
    }
    return known[error.code]() if error.code in known else error.message
