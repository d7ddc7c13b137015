"""A referral recorded by a manager (services/referrals.py), on SQLite and PostgreSQL: the bonuses given now
are the referral rule's amounts, given once, whatever the client's sales do afterwards; later, they come with
the first paid sale as for a code given at the till."""
import pytest

from salon_setup import add_item, balance, new_client, sell, set_program


@pytest.fixture
def salon(app, api):
    add_item(api, "BRUSH", "Brushing", "30.00")
    set_program(api, referrer_bonus=30, welcome_bonus=10)
    return new_client(api, "Paul", "Martin")["id"], new_client(api, "Sophie", "Durand")["id"]


def refer(app, client_id: int, code: str, bonuses_now: bool):
    with app.app_context():
        from pos_loyalty.extensions import db
        from pos_loyalty.models import Salon
        from pos_loyalty.services.actor import Actor
        from pos_loyalty.services.referrals import add_referral

        salon_id = db.session.query(Salon.id).order_by(Salon.id).first()[0]
        add_referral(Actor("Isabelle", "manager", salon_id, channel="panel"), client_id, code, bonuses_now)


def test_bonuses_given_now_after_a_first_sale_are_not_given_again_when_that_sale_is_refunded(app, api, salon):
    paul, sophie = salon
    first = sell(api, sophie, ("BRUSH", 1, "30.00"))["sale"]  # paid before anyone knew of the referral
    refer(app, sophie, "PAUL-MARTIN", bonuses_now=True)
    assert (balance(api, paul), balance(api, sophie)) == (30, 40)
    api.ok("POST", f"/sales/{first['id']}/refund", as_="manager")
    assert (balance(api, paul), balance(api, sophie)) == (30, 10)  # the bonuses were not the sale's
    sell(api, sophie, ("BRUSH", 1, "30.00"))
    assert (balance(api, paul), balance(api, sophie)) == (30, 40)


def test_bonuses_later_come_with_the_first_paid_sale_once(app, api, salon):
    paul, sophie = salon
    refer(app, sophie, "paul martin", bonuses_now=False)
    assert (balance(api, paul), balance(api, sophie)) == (0, 0)
    sell(api, sophie, ("BRUSH", 1, "30.00"))
    sell(api, sophie, ("BRUSH", 1, "30.00"))
    assert (balance(api, paul), balance(api, sophie)) == (30, 70)


def test_a_disabled_programme_gives_no_bonus_now_and_records_nothing(app, api, salon):
    from pos_loyalty.core.errors import Conflict

    paul, sophie = salon
    set_program(api, enabled=False)
    with pytest.raises(Conflict) as refused:
        refer(app, sophie, "PAUL-MARTIN", bonuses_now=True)
    assert refused.value.code == "program_disabled"
    assert api.ok("GET", f"/clients/{sophie}")["referred_by"] is None
