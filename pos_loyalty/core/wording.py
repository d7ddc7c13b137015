"""The words the ledger and receipts use, in the salon's language (French, English, Italian).

Plugins and services write descriptions through `say`, so a French salon's history reads
"75,00 € dépensés", never "75,00 € spent". Unknown keys fall back to the English text itself.
"""
from __future__ import annotations

WORDS = {
    "{amount} spent": {"fr": "{amount} dépensés", "it": "{amount} spesi"},
    "Welcome bonus": {"fr": "Bonus de bienvenue", "it": "Bonus di benvenuto"},
    "Referral bonus": {"fr": "Bonus de parrainage", "it": "Bonus presenta un amico"},
    "Reward: {name}": {"fr": "Récompense : {name}", "it": "Premio: {name}"},
    "Reward: {name} (granted)": {"fr": "Récompense offerte : {name}", "it": "Premio regalato: {name}"},
    "Reward granted: {name} ({reason})": {"fr": "Récompense offerte : {name} ({reason})",
                                          "it": "Premio regalato: {name} ({reason})"},
    "{points} points expired (valid until {day})": {"fr": "{points} points expirés (valables jusqu'au {day})",
                                                    "it": "{points} punti scaduti (validi fino al {day})"},
    "Sale #{sale} refunded: points earned taken back": {
        "fr": "Vente n° {sale} remboursée : points gagnés repris",
        "it": "Vendita n. {sale} rimborsata: punti guadagnati ripresi"},
    "Sale #{sale} refunded: points of “{name}” returned": {
        "fr": "Vente n° {sale} remboursée : points de « {name} » rendus",
        "it": "Vendita n. {sale} rimborsata: punti di “{name}” restituiti"},
    "{description} (recalculated)": {"fr": "{description} (recalculé)", "it": "{description} (ricalcolato)"},
}


def say(locale: str, text: str, **params) -> str:
    language = (locale or "en").split("_")[0]
    return WORDS.get(text, {}).get(language, text).format(**params)
