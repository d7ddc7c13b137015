"""The words printed on a receipt, in French, English and Italian (the receipt speaks the salon's language).

A label is a str.format pattern with named fields; a label that counts something has a form per CLDR plural
category ("one", "other"), chosen with babel for the receipt's locale (French says "1 point", "0 point").
Templates call t("key", name=value); an unknown key prints as given, so a salon can also write its own words.
"""
from __future__ import annotations

from typing import Callable

from babel import Locale, UnknownLocaleError

NBSP = "\u00a0"  # French puts a non-breaking space before ":"; it also keeps the colon off a new line

LABELS: dict[str, dict[str, str | dict[str, str]]] = {
    "en": {
        "vat": "VAT no. {number}", "sale": "Sale no. {number}", "till": "Till: {till}",
        "cashier": "Served by {name}", "total": "Total", "discount": "Discount", "to_pay": "To pay",
        "change": "Change", "method_card": "Card", "method_cash": "Cash", "method_cheque": "Cheque",
        "method_voucher": "Voucher", "method_gift_card": "Gift card", "method_transfer": "Bank transfer",
        "method_other": "Other", "status_open": "Not paid", "status_cancelled": "Cancelled",
        "status_refunded": "Refunded", "loyalty_title": "Your loyalty points", "earned": "Points earned", "used": "Points used",
        "redeemed": "Reward: {reward}", "new_balance": "New balance",
        "points": {"one": "{count} point", "other": "{count} points"},
        "cost": "{count} pts",
        "expiry": {"one": "{count} point expires on {date}", "other": "{count} points expire on {date}"},
        "rewards_now": "Rewards you can have now:",
        "next_reward": {"one": "{count} more point for: {reward}", "other": "{count} more points for: {reward}"},
        "referral_code": "Your referral code", "referral_hint": "Share it with your friends",
    },
    "fr": {
        "vat": "N° TVA {number}", "sale": "Vente n° {number}", "till": f"Caisse{NBSP}: {{till}}",
        "cashier": "Servi par {name}", "total": "Total", "discount": "Remise", "to_pay": "À payer",
        "change": "Rendu", "method_card": "Carte bancaire", "method_cash": "Espèces", "method_cheque": "Chèque",
        "method_voucher": "Bon d'achat", "method_gift_card": "Carte cadeau", "method_transfer": "Virement",
        "method_other": "Autre", "status_open": "Non réglée", "status_cancelled": "Annulée",
        "status_refunded": "Remboursée", "loyalty_title": "Vos points fidélité", "earned": "Points gagnés", "used": "Points utilisés",
        "redeemed": f"Récompense{NBSP}: {{reward}}", "new_balance": "Nouveau solde",
        "points": {"one": "{count} point", "other": "{count} points"},
        "cost": "{count} pts",
        "expiry": {"one": "{count} point expire le {date}", "other": "{count} points expirent le {date}"},
        "rewards_now": f"Récompenses disponibles{NBSP}:",
        "next_reward": {"one": f"Plus que {{count}} point pour{NBSP}: {{reward}}",
                        "other": f"Plus que {{count}} points pour{NBSP}: {{reward}}"},
        "referral_code": "Votre code de parrainage",
        "referral_hint": "Partagez-le avec vos proches",
    },
    "it": {
        "vat": "P. IVA {number}", "sale": "Vendita n. {number}", "till": "Cassa: {till}",
        "cashier": "Servito da {name}", "total": "Totale", "discount": "Sconto", "to_pay": "Da pagare",
        "change": "Resto", "method_card": "Carta", "method_cash": "Contanti", "method_cheque": "Assegno",
        "method_voucher": "Buono", "method_gift_card": "Carta regalo", "method_transfer": "Bonifico",
        "method_other": "Altro", "status_open": "Non pagata", "status_cancelled": "Annullata",
        "status_refunded": "Rimborsata", "loyalty_title": "I tuoi punti fedeltà", "earned": "Punti guadagnati", "used": "Punti utilizzati",
        "redeemed": "Premio: {reward}", "new_balance": "Nuovo saldo",
        "points": {"one": "{count} punto", "other": "{count} punti"},
        "cost": "{count} pt",
        "expiry": {"one": "{count} punto scade il {date}", "other": "{count} punti scadono il {date}"},
        "rewards_now": "Premi disponibili ora:",
        "next_reward": {"one": "Ancora {count} punto per: {reward}", "other": "Ancora {count} punti per: {reward}"},
        "referral_code": "Il tuo codice amico", "referral_hint": "Condividilo con i tuoi amici",
    },
}
FALLBACK = "en"


def translator(locale: str) -> Callable[..., str]:
    """t(key, default=None, count=None, **fields) -> the label in `locale`'s language, filled in."""
    table = LABELS.get(locale.split("_")[0].lower(), LABELS[FALLBACK])
    try:
        plural = Locale.parse(locale).plural_form
    except (ValueError, UnknownLocaleError):
        plural = Locale.parse(FALLBACK).plural_form

    def t(key: str, default: str | None = None, count: int | None = None, **fields: object) -> str:
        label = table.get(key, LABELS[FALLBACK].get(key))
        if label is None:
            return default if default is not None else key
        if isinstance(label, dict):
            label = label.get(plural(abs(count or 0)), label["other"])
        return label.format(count=count, **fields)

    return t
