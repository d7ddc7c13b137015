"""The words printed on a receipt, from the gettext catalogues in the salon's language (the receipt is the
salon's document).

A label is a msgid with named fields ("Sale no. %(number)s"); a label that counts something is a plural msgid
whose form the catalogue chooses for the count (French says "1 point", "0 point"). The French and Italian
words are in pos_loyalty/translations under the context "receipt" (README, "Translations"); a language without a catalogue prints the
English. Templates call t("key", name=value); an unknown key prints as given, so a salon can also write its
own words.
"""
from __future__ import annotations

from typing import Callable

from pos_loyalty.core.messages import translations

RECEIPT = "receipt"  # the catalogue's context of these words: a receipt's "Change" is not the panel's


def pgettext(context: str, msgid: str) -> str:  # marks a msgid of a context for pybabel extract
    return msgid


def npgettext(context: str, singular: str, plural: str) -> tuple[str, str]:  # the same, for a plural
    return singular, plural


LABELS: dict[str, str | tuple[str, str]] = {
    "vat": pgettext("receipt", "VAT no. %(number)s"),
    "sale": pgettext("receipt", "Sale no. %(number)s"),
    "till": pgettext("receipt", "Till: %(till)s"),
    "cashier": pgettext("receipt", "Served by %(name)s"),
    "total": pgettext("receipt", "Total"),
    "discount": pgettext("receipt", "Discount"),
    "to_pay": pgettext("receipt", "To pay"),
    "change": pgettext("receipt", "Change"),
    "method_card": pgettext("receipt", "Card"),
    "method_cash": pgettext("receipt", "Cash"),
    "method_cheque": pgettext("receipt", "Cheque"),
    "method_voucher": pgettext("receipt", "Voucher"),
    "method_gift_card": pgettext("receipt", "Gift card"),
    "method_transfer": pgettext("receipt", "Bank transfer"),
    "method_other": pgettext("receipt", "Other"),
    "status_open": pgettext("receipt", "Not paid"),
    "status_cancelled": pgettext("receipt", "Cancelled"),
    "status_refunded": pgettext("receipt", "Refunded"),
    "loyalty_title": pgettext("receipt", "Your loyalty points"),
    "earned": pgettext("receipt", "Points earned"),
    "used": pgettext("receipt", "Points used"),
    "redeemed": pgettext("receipt", "Reward: %(reward)s"),
    "new_balance": pgettext("receipt", "New balance"),
    "points": npgettext("receipt", "%(count)s point", "%(count)s points"),
    "cost": pgettext("receipt", "%(count)s pts"),
    "expiry": npgettext("receipt", "%(count)s point expires on %(date)s", "%(count)s points expire on %(date)s"),
    "rewards_now": pgettext("receipt", "Rewards you can have now:"),
    "next_reward": npgettext("receipt", "%(count)s more point for: %(reward)s", "%(count)s more points for: %(reward)s"),
    "referral_code": pgettext("receipt", "Your referral code"),
    "referral_hint": pgettext("receipt", "Share it with your friends"),
    "card_hint": pgettext("receipt", "Scan: your points on your phone"),
    "codes_unlocked": pgettext("receipt", "Unlocked with this visit:"),
    "code": pgettext("receipt", "Code %(code)s: %(reward)s"),
    "code_used": pgettext("receipt", "Code used: %(code)s (%(reward)s)"),
}


def translator(locale: str) -> Callable[..., str]:
    """t(key, default=None, count=None, **fields) -> the label in `locale`'s language, filled in."""
    catalogue = translations(locale)

    def t(key: str, default: str | None = None, count: int | None = None, **fields: object) -> str:
        label = LABELS.get(key)
        if label is None:
            return default if default is not None else key
        if isinstance(label, tuple):
            text = catalogue.unpgettext(RECEIPT, label[0], label[1], abs(count or 0))
        else:
            text = catalogue.upgettext(RECEIPT, label)
        return text % {"count": count, **fields}

    return t
