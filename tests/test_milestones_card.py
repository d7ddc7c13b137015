"""Milestone mode beyond the API basics: the booking app's stamp card (1 point per visit, a reward at 10),
the scenarios b/c of the points engine in milestone mode, the receipt's codes, and codes' letters."""
import re
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from pos_loyalty.core import milestones as rules
from salon_setup import add_item, add_reward, add_rule, balance, give_points, new_client, sell, set_program

CODE = re.compile(r"^[A-Z]{6}$")


def codes_of(api, client_id):
    return api.ok("GET", f"/clients/{client_id}/codes")


def receipt_text(api, sale_id):
    return api.http.get(f"/api/v1/sales/{sale_id}/receipt?format=text&width=48",
                        headers={"Authorization": f"Bearer {api.tokens['till']}"}).get_data(as_text=True)


def test_booking_app_card_the_tenth_paid_visit_issues_the_code(api):
    set_program(api, reward_mode="milestone", points_per_unit="0", discounted_sales_earn=False, subscribers_earn=False)
    add_item(api, "BRUSHING", "Brushing", "28.00", category="cut")
    add_rule(api, kind="visit", points=1)
    add_reward(api, "Brushing offert", 10, kind="amount_off", value="28.00")
    sarah = new_client(api, "Sarah", "Colin")
    member = new_client(api, "Léon", "Vidal", subscriber=True)

    cancelled = sell(api, sarah["id"], ("BRUSHING", 1, "28.00"), pay=False)
    api.ok("POST", f"/sales/{cancelled['id']}/cancel")  # a cancelled visit counts nothing
    assert sell(api, sarah["id"], ("BRUSHING", 1, "28.00"), discount_code="NOEL15")["points_earned"] == 0
    for visit in range(1, 10):
        assert sell(api, sarah["id"], ("BRUSHING", 1, "28.00"))["points_earned"] == 1
        assert codes_of(api, sarah["id"]) == [], f"a code after {visit} visits"
    tenth = sell(api, sarah["id"], ("BRUSHING", 1, "28.00"))
    [code] = codes_of(api, sarah["id"])
    assert CODE.match(code["code"]) and code["name"] == "Brushing offert" and code["status"] == "issued"
    assert code["issued_sale_id"] == tenth["sale"]["id"]
    assert balance(api, sarah["id"]) == 10  # never spent

    for _ in range(12):  # a subscriber's visits count nothing
        assert sell(api, member["id"], ("BRUSHING", 1, "28.00"))["points_earned"] == 0
    assert codes_of(api, member["id"]) == []

    # The eleventh visit is free with the code, and the card goes on counting from 10.
    sale = api.ok("POST", "/sales", {"client_id": sarah["id"], "lines": [{"code": "BRUSHING", "quantity": 1}]})
    sale = api.ok("POST", f"/sales/{sale['id']}/redemptions", {"code": code["code"]})
    assert sale["due"] == "0.00"
    api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "0.00", "method": "card"})
    assert [c["status"] for c in codes_of(api, sarah["id"])] == ["used"]


def test_scenario_b_in_milestone_mode_the_referrer_s_bonus_unlocks_the_referrer_s_code(api):
    set_program(api, reward_mode="milestone", referrer_bonus=30, welcome_bonus=10)
    add_item(api, "FAMILY", "Family", "75.00", category="photo")
    add_rule(api, kind="service", service_code="FAMILY", points=75)
    add_reward(api, "10 € off", 100)
    add_reward(api, "Tirage offert", 375, kind="amount_off", value="15.00")
    paul = new_client(api, "Paul", "Martin")
    give_points(api, paul["id"], 350)
    assert [c["name"] for c in codes_of(api, paul["id"])] == ["10 € off"]
    sophie = new_client(api, "Sophie", "Martin", referred_by="PAUL-MARTIN")

    paid = sell(api, sophie["id"], ("FAMILY", 1, "75.00"))

    assert paid["points_earned"] == 160 and balance(api, paul["id"]) == 380
    assert [c["name"] for c in codes_of(api, sophie["id"])] == ["10 € off"]
    assert sorted(c["name"] for c in codes_of(api, paul["id"])) == ["10 € off", "Tirage offert"]
    text = receipt_text(api, paid["sale"]["id"])  # Sophie's receipt: her code, not Paul's
    [sophies] = codes_of(api, sophie["id"])
    pauls = next(c for c in codes_of(api, paul["id"]) if c["name"] == "Tirage offert")
    assert sophies["code"] in text and pauls["code"] not in text
    sell(api, sophie["id"], ("FAMILY", 1, "75.00"))
    assert balance(api, paul["id"]) == 380 and len(codes_of(api, paul["id"])) == 2


def test_scenario_c_in_milestone_mode_a_code_held_then_paid_or_cancelled(api):
    set_program(api, reward_mode="milestone")
    add_item(api, "CUT", "Cut & blow-dry", "60.00", category="cut")
    add_reward(api, "10 € off", 100)
    lea, chloe = new_client(api, "Léa", "Bernard"), new_client(api, "Chloé", "Petit")
    for person in (lea, chloe):
        give_points(api, person["id"], 200)
    lea_code, chloe_code = codes_of(api, lea["id"])[0]["code"], codes_of(api, chloe["id"])[0]["code"]

    sale = sell(api, lea["id"], ("CUT", 1, "60.00"), pay=False)
    held = api.ok("POST", f"/sales/{sale['id']}/redemptions", {"code": lea_code})
    assert held["due"] == "50.00" and held["quote"]["points_to_earn"] == 50 and held["quote"]["balance_after"] == 250
    assert api.ok("GET", f"/clients/{lea['id']}/loyalty")["available"] == 200  # a code holds no points
    paid = api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "50.00", "method": "card"})
    assert (paid["points_earned"], paid["points_redeemed"], paid["balance"]) == (50, 0, 250)
    text = receipt_text(api, sale["id"])
    assert f"Code utilisé : {lea_code} (10 € off)" in text

    sale = sell(api, chloe["id"], ("CUT", 1, "60.00"), pay=False)
    api.ok("POST", f"/sales/{sale['id']}/redemptions", {"code": chloe_code})
    assert [c["status"] for c in codes_of(api, chloe["id"])] == ["issued"]  # held: still hers
    api.ok("POST", f"/sales/{sale['id']}/cancel")
    summary = api.ok("GET", f"/clients/{chloe['id']}/loyalty")
    assert (summary["balance"], summary["held"], summary["available"]) == (200, 0, 200)
    again = sell(api, chloe["id"], ("CUT", 1, "60.00"), pay=False)
    assert api.ok("POST", f"/sales/{again['id']}/redemptions", {"code": chloe_code})["due"] == "50.00"


def test_the_receipt_prints_the_code_its_payment_unlocked_and_later_as_it_was(api, clock):
    set_program(api, reward_mode="milestone")
    add_item(api, "COLOUR", "Couleur", "120.00", category="colour")
    add_reward(api, "Soin offert", 100, kind="amount_off", value="15.00")
    zoe = new_client(api, "Zoé", "Faure")
    paid = sell(api, zoe["id"], ("COLOUR", 1, "120.00"))
    [code] = codes_of(api, zoe["id"])
    text = receipt_text(api, paid["sale"]["id"])
    assert f"Code {code['code']} : Soin offert" in text
    # Used and voided later, the first receipt still shows the code it printed; a later sale's does not.
    sale = api.ok("POST", "/sales", {"client_id": zoe["id"], "lines": [{"code": "COLOUR", "quantity": 1}]})
    api.ok("POST", f"/sales/{sale['id']}/redemptions", {"code": code["code"]})
    api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "105.00", "method": "card"})
    clock.advance(days=40)
    assert receipt_text(api, paid["sale"]["id"]) == text
    assert f"Code {code['code']} : Soin offert" not in receipt_text(api, sale["id"])


def test_a_code_clash_draws_another_code(api, monkeypatch):
    set_program(api, reward_mode="milestone")
    add_reward(api, "10 € off", 100)
    first, second = new_client(api, "Alice", "Noir"), new_client(api, "Berthe", "Blanc")
    draws = iter(["KXQBRT", "KXQBRT", "KXQBRT", "ZQWERT"])
    monkeypatch.setattr(rules, "new_code", lambda: next(draws))
    give_points(api, first["id"], 100)
    give_points(api, second["id"], 100)
    assert [c["code"] for c in codes_of(api, first["id"])] == ["KXQBRT"]
    assert [c["code"] for c in codes_of(api, second["id"])] == ["ZQWERT"]


def test_codes_issued_to_many_clients_are_all_different(api):
    set_program(api, reward_mode="milestone")
    for cost in (10, 20, 30):
        add_reward(api, f"Palier {cost}", cost)
    people = [new_client(api, "Client", f"N{number}") for number in range(8)]
    for person in people:
        give_points(api, person["id"], 30)
    codes = [c["code"] for person in people for c in codes_of(api, person["id"])]
    assert len(codes) == 24 and len(set(codes)) == 24 and all(CODE.match(code) for code in codes)


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=50))
def test_a_code_is_six_capital_letters(_):
    code = rules.new_code()
    assert len(code) == 6 and set(code) <= set(string.ascii_uppercase)
    assert rules.normalise_code(f" {code.lower()[:2]} {code[2:]}") == code


@given(st.lists(st.tuples(st.integers(1, 40), st.integers(1, 500)), max_size=8, unique_by=lambda t: t[0]),
       st.integers(0, 600), st.integers(0, 600), st.sets(st.integers(1, 40)))
def test_crossing_gives_each_reward_between_before_and_after_once(thresholds, before, gained, issued):
    found = rules.crossed([rules.Threshold(i, cost) for i, cost in thresholds], before, before + gained, issued)
    expected = sorted((cost, i) for i, cost in thresholds if before < cost <= before + gained and i not in issued)
    assert found == [i for _, i in expected]
    assert rules.crossed([rules.Threshold(i, cost) for i, cost in thresholds], before, before + gained, issued,
                         enabled=False) == []
