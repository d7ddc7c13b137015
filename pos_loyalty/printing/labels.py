"""Receipt labels in French, English and Italian (the receipt speaks the salon's language)."""
from __future__ import annotations

LABELS = {
    "fr": {"VAT": "TVA", "Sale": "Vente", "Till": "Caisse", "Total": "Total", "Discount": "Remise",
           "To pay": "À payer", "Change": "Rendu", "card": "Carte", "cash": "Espèces", "cheque": "Chèque",
           "voucher": "Bon d'achat", "gift_card": "Carte cadeau", "transfer": "Virement", "other": "Autre",
           "Loyalty": "Fidélité", "Redeemed": "Utilisé", "New balance": "Nouveau solde", "points": "points",
           "pts": "pts", "expire_on": "%s points expirent le %s", "Rewards you can have now": "Récompenses disponibles",
           "next_reward": "Plus que %s points pour : %s", "Your referral code": "Votre code de parrainage",
           "refunded": "remboursée", "cancelled": "annulée", "open": "non réglée"},
    "en": {"VAT": "VAT", "Sale": "Sale", "Till": "Till", "Total": "Total", "Discount": "Discount",
           "To pay": "To pay", "Change": "Change", "card": "Card", "cash": "Cash", "cheque": "Cheque",
           "voucher": "Voucher", "gift_card": "Gift card", "transfer": "Transfer", "other": "Other",
           "Loyalty": "Loyalty", "Redeemed": "Redeemed", "New balance": "New balance", "points": "points",
           "pts": "pts", "expire_on": "%s points expire on %s", "Rewards you can have now": "Rewards you can have now",
           "next_reward": "%s points to go for: %s", "Your referral code": "Your referral code",
           "refunded": "refunded", "cancelled": "cancelled", "open": "not paid"},
    "it": {"VAT": "P. IVA", "Sale": "Vendita", "Till": "Cassa", "Total": "Totale", "Discount": "Sconto",
           "To pay": "Da pagare", "Change": "Resto", "card": "Carta", "cash": "Contanti", "cheque": "Assegno",
           "voucher": "Buono", "gift_card": "Carta regalo", "transfer": "Bonifico", "other": "Altro",
           "Loyalty": "Fedeltà", "Redeemed": "Usato", "New balance": "Nuovo saldo", "points": "punti",
           "pts": "pt", "expire_on": "%s punti scadono il %s", "Rewards you can have now": "Premi disponibili ora",
           "next_reward": "Ancora %s punti per: %s", "Your referral code": "Il tuo codice amico",
           "refunded": "rimborsata", "cancelled": "annullata", "open": "non pagata"},
}


def translator(locale: str):
    table = LABELS.get(locale.split("_")[0], LABELS["en"])
    return lambda label: table.get(label, LABELS["en"].get(label, label))
