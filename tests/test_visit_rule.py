"""The visit rule: N points per paid sale with a client (a stamp card), from an optional minimum paid, with
the exclusions of every other rule; priced the same at the till, by the recalculation and by the preview."""
from datetime import date

import pytest

from pos_loyalty.services import recalculation
from conftest import prepared_fixtures
from salon_setup import add_item, add_reward, add_rule, balance, give_points, new_client, sell, set_program


def build_stamp_card(app, api, clock):
    """The booking app's card: no points per euro, 1 point per visit."""
    set_program(api, points_per_unit="0", discounted_sales_earn=False, subscribers_earn=False)
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    add_item(api, "FRINGE", "Frange", "12.00", category="cut")
    return add_rule(api, kind="visit", points=1)


# Made once per module and backend; each test that uses it has a copy of its database (conftest.Prepared).
prepared, database_url, clock, api, stamp_card = prepared_fixtures(build_stamp_card, "stamp_card")


def test_ten_paid_visits_give_ten_points(api, stamp_card):
    assert stamp_card["kind"] == "visit" and stamp_card["points"] == 1 and stamp_card["min_amount"] is None
    client = new_client(api, "Hélène", "Dupré")
    open_sale = sell(api, client["id"], ("CUT", 2, "40.00"), pay=False)
    assert open_sale["quote"]["points_to_earn"] == 1  # one visit, whatever its basket
    api.ok("POST", f"/sales/{open_sale['id']}/payments", {"amount": open_sale["due"], "method": "card"})
    for _ in range(9):
        assert sell(api, client["id"], ("FRINGE", 1, "12.00"))["points_earned"] == 1
    assert balance(api, client["id"]) == 10
    entry = api.ok("GET", f"/clients/{client['id']}/ledger")["items"][0]
    # The entry's description is in the salon's language (French here); its msgid stays for other readers.
    assert (entry["kind"], entry["points"], entry["description"]) == ("earn", 1, "Un point pour la visite")
    assert sell(api, None, ("CUT", 1, "40.00"))["points_earned"] == 0  # no client, no card


def test_a_visit_counts_from_its_minimum_paid_after_discounts(api, stamp_card):
    api.ok("PATCH", f"/rules/{stamp_card['id']}", {"min_amount": "20.00", "points": 2}, as_="manager")
    client = new_client(api, "Zoé", "Faure")
    assert sell(api, client["id"], ("FRINGE", 1, "12.00"))["points_earned"] == 0
    assert sell(api, client["id"], ("FRINGE", 1, "19.99"))["points_earned"] == 0
    assert sell(api, client["id"], ("FRINGE", 1, "20.00"))["points_earned"] == 2
    # What counts is what the client pays: a 40 € cut with a 25 € reward pays 15 €.
    reward = add_reward(api, "25 € off", 50, value="25.00")
    give_points(api, client["id"], 50)
    sale = sell(api, client["id"], ("CUT", 1, "40.00"), pay=False)
    assert sale["quote"]["points_to_earn"] == 2
    sale = api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward["id"]})
    assert sale["due"] == "15.00" and sale["quote"]["points_to_earn"] == 0
    paid = api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": sale["due"], "method": "card"})
    assert paid["points_earned"] == 0
    assert balance(api, client["id"]) == 2


def test_cancelled_discounted_and_subscribers_visits_count_nothing(api, stamp_card):
    client = new_client(api, "Marc", "Blanc")
    member = new_client(api, "Léa", "Petit", subscriber=True)
    cancelled = sell(api, client["id"], ("CUT", 1, "40.00"), pay=False)
    api.ok("POST", f"/sales/{cancelled['id']}/cancel")
    assert sell(api, client["id"], ("CUT", 1, "40.00"), discount_code="BLACKFRIDAY")["points_earned"] == 0
    assert sell(api, member["id"], ("CUT", 1, "40.00"))["points_earned"] == 0
    assert balance(api, client["id"]) == balance(api, member["id"]) == 0
    set_program(api, discounted_sales_earn=True, subscribers_earn=True)
    assert sell(api, client["id"], ("CUT", 1, "40.00"), discount_code="BLACKFRIDAY")["points_earned"] == 1
    assert sell(api, member["id"], ("CUT", 1, "40.00"))["points_earned"] == 1


def test_a_refund_takes_the_visit_point_back(api, stamp_card):
    client = new_client(api, "Nina", "Garnier")
    sell(api, client["id"], ("CUT", 1, "40.00"))
    second = sell(api, client["id"], ("FRINGE", 1, "12.00"))
    assert balance(api, client["id"]) == 2
    api.ok("POST", f"/sales/{second['sale']['id']}/refund", as_="manager")
    assert balance(api, client["id"]) == 1
    kinds = [(e["kind"], e["points"]) for e in api.ok("GET", f"/clients/{client['id']}/ledger")["items"]]
    assert ("refund", -1) in kinds


@pytest.mark.parametrize("body, field", [
    ({"kind": "visit"}, "points"),
    ({"kind": "visit", "points": 0}, "points"),
    ({"kind": "visit", "points": -1}, "points"),
    ({"kind": "visit", "points": 1.5}, "points"),
    ({"kind": "visit", "points": "1"}, "points"),
    ({"kind": "visit", "points": 1, "min_amount": "-1.00"}, "min_amount"),
    ({"kind": "visit", "points": 1, "min_amount": "20.001"}, "min_amount"),
    ({"kind": "visit", "points": 1, "min_amount": 20}, "min_amount"),
    ({"kind": "visit", "points": 1, "min_amount": "twenty"}, "min_amount"),
    ({"kind": "visit", "points": 1, "stamps": 3}, "stamps"),
])
def test_bad_visit_rules_are_refused_and_nothing_is_saved(api, body, field):
    before = api.ok("GET", "/rules", as_="manager")
    status, refused = api.call("POST", "/rules", body, as_="manager")
    assert status == 422, refused
    assert field in str(refused["error"]["details"])
    rule = add_rule(api, kind="visit", points=1, min_amount="20.00")
    assert rule["min_amount"] == "20.00"
    status, patched = api.call("PATCH", f"/rules/{rule['id']}",
                               {k: v for k, v in body.items() if k != "kind"} or {"points": 0}, as_="manager")
    assert status == 422, patched
    assert api.ok("GET", "/rules", as_="manager") == [*before, rule]


def test_the_recalculation_and_the_preview_price_visits_as_the_till_does(app, api, clock):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    add_item(api, "FRINGE", "Frange", "12.00", category="cut")
    set_program(api, enabled=False, points_per_unit="0")
    client = new_client(api, "Rose", "Dumas")
    reward = add_reward(api, "Free fringe", 1, kind="amount_off", value="12.00")
    api.ok("PATCH", f"/rewards/{reward['id']}", {"sale_earns": False}, as_="manager")
    for basket in (("CUT", 1, "40.00"), ("FRINGE", 1, "12.00"), ("CUT", 1, "40.00")):
        sell(api, client["id"], basket)
        clock.advance(days=3)
    set_program(api, enabled=True)
    add_rule(api, kind="visit", points=1, min_amount="20.00")
    give_points(api, client["id"], 1)
    free = sell(api, client["id"], ("CUT", 1, "40.00"), pay=False)  # a reward that earns nothing: no visit
    free = api.ok("POST", f"/sales/{free['id']}/redemptions", {"reward_id": reward["id"]})
    assert api.ok("POST", f"/sales/{free['id']}/payments", {"amount": free["due"], "method": "card"})["points_earned"] == 0
    assert balance(api, client["id"]) == 0

    preview = api.ok("POST", "/program/preview", {"changes": {"rules": [{"kind": "visit", "points": 3}]}, "months": 3},
                     as_="manager")
    assert (preview["sales"], preview["points_actual"], preview["points_with_changes"]) == (4, 0, 9)
    with app.app_context():
        credited = recalculation.recalculate_sale_by_sale(date(2026, 11, 1))
    assert credited == 2  # the two cuts of 40 €: the fringe is under 20 €, the free cut earns nothing
    assert balance(api, client["id"]) == 2
    again = api.ok("POST", "/program/preview", {"changes": {"enabled": True}, "months": 3}, as_="manager")
    assert again["points_actual"] == again["points_with_changes"] == 2
