"""Referral and welcome bonuses, once, when a referred client's first sale is paid.

They reward the introduction, not the sale: the sale's own exclusions (discount code, subscription) do not
cancel them; a disabled program does.
"""
from pos_loyalty.hookspecs import REFERRER, Earning, EarningContext, hookimpl
from pos_loyalty.translatable import N_

PLUGIN_NAME = "referral"
__version__ = "1.0"


@hookimpl
def loyalty_earnings(context: EarningContext, multiplier):
    client = context.client
    if client is None or client.referrer_id is None or not client.awaiting_first_sale:
        return []
    earnings = []
    if context.terms.welcome_bonus:
        earnings.append(Earning(kind="welcome", points=context.terms.welcome_bonus, description=context.say(N_("Welcome bonus"))))
    if context.terms.referrer_bonus:
        earnings.append(Earning(kind="referral", points=context.terms.referrer_bonus,
                                description=context.say(N_("Referral bonus")), beneficiary=REFERRER))
    return earnings
