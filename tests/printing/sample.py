"""A receipt as the services would fill it, for layout and printer tests that need no database."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from pos_loyalty.core.receipt import (ReceiptData, ReceiptDiscount, ReceiptLine, ReceiptLoyalty, ReceiptPayment,
                                      ReceiptPoints, ReceiptReward)


LINK = "https://salon-etoile.fr/r/HELENE-DUPRE"  # printed as text
CARD = "https://salon-etoile.fr/card/q3X9vT0dFh2LmPz8RkW5nYcB7eJgU4sA1oNiKtHbV6w"  # what the QR code holds


def sample_receipt(locale: str = "fr_FR") -> ReceiptData:
    return ReceiptData(
        salon_name="Salon Étoile", salon_address="12 rue des Martyrs, 75009 Paris", vat_number="FR 32 123456789",
        till="Caisse 1", sale_id=1042, at=datetime(2026, 11, 22, 10, 15, tzinfo=ZoneInfo("Europe/Paris")),
        locale=locale, currency="EUR",
        lines=(ReceiptLine("BAL", "Balayage", 1, Decimal("120.00"), Decimal("120.00")),
               ReceiptLine("SHAMP", "Shampooing réparateur 250 ml", 2, Decimal("18.90"), Decimal("37.80"))),
        discounts=(ReceiptDiscount("10 € offerts", Decimal("10.00")),),
        total=Decimal("157.80"), discount=Decimal("10.00"), to_pay=Decimal("147.80"),
        payments=(ReceiptPayment("card", Decimal("100.00")), ReceiptPayment("cash", Decimal("50.00"))),
        change=Decimal("2.20"), status="paid", cashier="Camille",
        loyalty=ReceiptLoyalty(
            client_name="Hélène Dupré", referral_code="HELENE-DUPRE",
            referral_link=LINK, card_url=CARD,
            earned=(ReceiptPoints("147,80 € dépensés", 147), ReceiptPoints("Balayage", 20),
                    ReceiptPoints("Bonus de bienvenue", 10)),
            redeemed=(ReceiptPoints("10 € offerts", -100),),
            balance=310, next_expiry_points=40, next_expiry_on=date(2027, 1, 31),
            rewards_in_reach=(ReceiptReward("10 € offerts", 100), ReceiptReward("Pose vernis offerte", 150)),
            next_reward=ReceiptReward("Bon de 25 €", 350, 40)),
        footer="Merci de votre visite ! À bientôt.")
