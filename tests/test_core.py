"""The plain core, without Flask or a database."""
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_loyalty.core.lots import LotView, add_months, expiry_date, plan_debit
from pos_loyalty.core.money import allocate
from pos_loyalty.core.pricing import DiscountClaim, PricedLine, price_sale
from pos_loyalty.core.program import round_points
from pos_loyalty.core.referral import referral_code_base, unique_referral_code


@pytest.mark.parametrize("first,last,code", [
    ("Marie", "Dupont", "MARIE-DUPONT"), ("Hélène", "Lefèvre-Brûlé", "HELENE-LEFEVRE-BRULE"),
    ("  zoé ", "d'Alembert", "ZOE-D-ALEMBERT"), ("Ørjan", "Straße", "ORJAN-STRASSE"), ("李", "王", "CLIENT"),
])
def test_referral_code_from_name(first, last, code):
    assert referral_code_base(first, last) == code


def test_referral_code_suffix_when_taken():
    taken = {"MARIE-DUPONT", "MARIE-DUPONT-2"}
    assert unique_referral_code("Marie", "Dupont", taken.__contains__) == "MARIE-DUPONT-3"
    assert unique_referral_code("Marie", "Durand", taken.__contains__) == "MARIE-DURAND"


@pytest.mark.parametrize("day,months,expected", [
    (date(2026, 11, 22), 12, date(2027, 11, 22)), (date(2027, 1, 31), 1, date(2027, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)), (date(2026, 8, 31), 6, date(2027, 2, 28)),
])
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_never_expiring_points():
    assert expiry_date(date(2026, 1, 1), None) is None


@pytest.mark.parametrize("mode,expected", [("floor", 12), ("half_up", 13), ("ceiling", 13)])
def test_rounding_modes(mode, expected):
    assert round_points(Decimal("12.5"), mode) == expected


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**6), min_size=1, max_size=20))
def test_allocate_is_exact(total, weights):
    parts = allocate(total, weights)
    if sum(weights) == 0:
        assert parts == [0] * len(weights)
    else:
        assert sum(parts) == total and all(p >= 0 for p in parts)


def test_discount_is_spread_over_lines_and_free_item_targets_its_line():
    lines = (PricedLine("CUT", "Cut", "service", "cut", 1, Decimal("60.00")),
             PricedLine("SHAMPOO", "Shampoo", "product", "retail", 1, Decimal("20.00")))
    spread = price_sale(lines, [DiscountClaim(Decimal("10.00"))])
    assert spread.net_amounts == (Decimal("52.50"), Decimal("17.50")) and spread.to_pay == Decimal("70.00")
    free = price_sale(lines, [DiscountClaim(Decimal("20.00"), line_index=1)])
    assert free.net_amounts == (Decimal("60.00"), Decimal("0.00"))


def test_debit_takes_soonest_expiry_first_and_skips_expired():
    lots = [LotView(1, 50, date(2026, 1, 1), None), LotView(2, 30, date(2026, 2, 1), date(2027, 2, 1)),
            LotView(3, 40, date(2026, 1, 1), date(2027, 1, 1)), LotView(4, 99, date(2025, 1, 1), date(2026, 1, 1))]
    plan = plan_debit(lots, 80, today=date(2026, 6, 1))
    assert plan.takes == ((3, 40), (2, 30), (1, 10)) and plan.shortfall == 0
    assert plan_debit(lots, 200, today=date(2026, 6, 1)).shortfall == 80
    assert plan_debit(lots, 10, today=date(2026, 6, 1), preferred_ids=(1,)).takes == ((1, 10),)


def test_descriptions_speak_the_salons_language():
    from pos_loyalty.core.messages import Money, render, say

    spent = say("fr_FR", "%(amount)s spent", amount=Money(Decimal("75.00"), "EUR"))
    assert spent == "75,00\u00a0€ dépensés"
    # The entry keeps its msgid and JSON-ready values: the same words again in another language.
    assert (spent.message, spent.values) == ("%(amount)s spent", {"amount": {"money": "75.00", "currency": "EUR"}})
    assert render("en", spent.message, spent.values) == "€75.00 spent"
    assert render("it_IT", spent.message, spent.values) == "75,00\u00a0€ spesi"
    assert say("it_IT", "Welcome bonus") == "Bonus di benvenuto"
    assert say("en_GB", "Referral bonus") == "Referral bonus"
    assert say("de_DE", "Referral bonus") == "Referral bonus"  # no German yet: English
    expired = say("fr_FR", "%(points)s points expired (valid until %(day)s)", points=40, day=date(2027, 6, 1))
    assert expired == "40 points expirés (valables jusqu'au 01/06/2027)"
    assert expired.values == {"points": 40, "day": {"date": "2027-06-01"}}
    recalculated = say("fr_FR", "%(description)s (recalculated)", description=spent)
    assert render("en_GB", recalculated.message, recalculated.values) == "€75.00 spent (recalculated)"
