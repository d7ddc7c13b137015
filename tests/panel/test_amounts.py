"""How the checkout reads the amount a cashier types, and shows the amount due in its field."""
from decimal import Decimal

import pytest

from pos_loyalty.panel.amounts import AmountError, parse_amount, plain_amount


@pytest.mark.parametrize("typed, locale, amount", [
    ("95,00", "fr_FR", "95.00"), ("95.00", "fr_FR", "95.00"), ("95", "fr_FR", "95.00"), ("95,5", "fr_FR", "95.50"),
    (" 95,00 € ", "fr_FR", "95.00"), ("1\u202f234,50\u00a0€", "fr_FR", "1234.50"), ("1 234,50", "fr_FR", "1234.50"),
    ("1.234,50", "it_IT", "1234.50"), ("95.00", "it_IT", "95.00"), ("1.000", "it_IT", "1000.00"),
    ("1,234.50", "en_GB", "1234.50"), ("95,00", "en_GB", "95.00"), ("€95.00", "en_GB", "95.00"),
    ("0", "fr_FR", "0.00"), ("10000000", "fr_FR", "10000000.00"),
])
def test_the_amounts_a_cashier_types(typed, locale, amount):
    assert parse_amount(typed, locale) == Decimal(amount)


@pytest.mark.parametrize("typed, locale, reason", [
    ("abc", "fr_FR", "invalid"), ("", "fr_FR", "invalid"), ("1e5", "fr_FR", "invalid"), ("NaN", "fr_FR", "invalid"),
    ("95,005", "fr_FR", "invalid"), ("1.000", "fr_FR", "invalid"), ("95,00,00", "fr_FR", "invalid"),
    ("9" * 40, "fr_FR", "range"), ("10000000,01", "fr_FR", "range"),
    ("-5", "fr_FR", "negative"), ("−5,00", "fr_FR", "negative"), ("-abc", "fr_FR", "invalid"),
])
def test_what_is_not_an_amount(typed, locale, reason):
    with pytest.raises(AmountError) as refused:
        parse_amount(typed, locale)
    assert refused.value.reason == reason


def test_the_field_shows_the_amount_in_the_salons_locale():
    assert plain_amount("95.00", "fr_FR") == "95,00"
    assert plain_amount("1234.5", "it_IT") == "1234,50"
    assert plain_amount(Decimal("95"), "en_GB") == "95.00"
