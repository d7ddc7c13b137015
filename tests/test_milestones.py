"""Milestone mode (PRODUCT §2): lifetime points crossing a reward's cost issue it once as a six-letter code;
points are never spent; the code is redeemed at the till, once, never with another discount."""
import re

import pytest

from conftest import prepared_fixtures
from salon_setup import add_item, add_reward, add_rule, balance, give_points, new_client, sell, set_program

CODE = re.compile(r"^[A-Z]{6}$")


def codes_of(api, client_id):
    return [row for row in api.ok("GET", f"/clients/{client_id}/rewards") if row.get("code")]


def open_sale(api, client_id, code="CUT", price="40.00", **extra):
    return api.ok("POST", "/sales", {"client_id": client_id, "lines": [{"code": code, "quantity": 1,
                                                                         "unit_price": price}], **extra})


def pay(api, sale):
    return api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": sale["due"], "method": "card"})


def build_salon(app, api, clock):
    set_program(api, reward_mode="milestone", points_per_unit="1")
    add_item(api, "CUT", "Coupe", "40.00", category="cut")
    add_item(api, "COLOUR", "Couleur", "90.00", category="colour")
    return {"ten": add_reward(api, "10 € off", 100), "big": add_reward(api, "25 € voucher", 250, value="25.00")}


# Made once per module and backend; each test that uses it has a copy of its database (conftest.Prepared).
prepared, database_url, clock, api, salon = prepared_fixtures(build_salon, "salon")


def test_photo_studio_scenario_1_in_milestone_mode(api):
    set_program(api, reward_mode="milestone")
    add_item(api, "PORTRAIT", "Portrait", "75.00", category="photo")
    add_rule(api, kind="service", service_code="PORTRAIT", points=50)
    add_reward(api, "10 € off", 100)
    add_reward(api, "25 € voucher", 250, value="25.00")
    marie = new_client(api, "Marie", "Dupont")

    paid = sell(api, marie["id"], ("PORTRAIT", 1, "75.00"))

    assert (paid["points_earned"], paid["balance"]) == (125, 125)
    codes = codes_of(api, marie["id"])
    assert [(c["name"], c["status"]) for c in codes] == [("10 € off", "issued")]
    assert CODE.match(codes[0]["code"])
    summary = api.ok("GET", f"/clients/{marie['id']}/loyalty")
    assert summary["balance"] == 125 and summary["lifetime"] == 125 and summary["reward_mode"] == "milestone"
    assert [r["name"] for r in summary["eligible_rewards"]] == ["10 € off"]
    assert summary["next_reward"]["name"] == "25 € voucher" and summary["next_reward"]["points_missing"] == 125
    assert [c["code"] for c in summary["codes"]] == [codes[0]["code"]]
    entry = api.ok("GET", f"/clients/{marie['id']}/ledger")["items"][0]
    assert (entry["points"], entry["kind"]) == (0, "adjust")
    assert entry["description"] == f"Récompense débloquée : 10 € off (code {codes[0]['code']})"

    # Using the code takes nothing from the balance; the next sale's points still count towards 250.
    sale = open_sale(api, marie["id"], "PORTRAIT", "75.00")
    sale = api.ok("POST", f"/sales/{sale['id']}/redemptions", {"code": codes[0]["code"].lower()})
    assert sale["due"] == "65.00"
    paid = pay(api, sale)
    assert paid["points_redeemed"] == 0 and paid["balance"] == 125 + 65 + 50
    assert [(c["name"], c["status"]) for c in codes_of(api, marie["id"])] == [("10 € off", "used")]


def test_a_bigger_sale_crosses_two_thresholds_at_once_and_each_is_issued_once(api, salon):
    lucie = new_client(api, "Lucie", "Moreau")
    paid = sell(api, lucie["id"], ("COLOUR", 3, "90.00"))
    assert paid["balance"] == 270
    codes = codes_of(api, lucie["id"])
    assert sorted(c["name"] for c in codes) == ["10 € off", "25 € voucher"]
    assert len({c["code"] for c in codes}) == 2 and all(CODE.match(c["code"]) for c in codes)
    sell(api, lucie["id"], ("COLOUR", 3, "90.00"))
    assert len(codes_of(api, lucie["id"])) == 2  # crossing again is impossible: lifetime only grows past


def test_booking_app_page_code_not_combined_used_once_and_thresholds(api, salon):
    """The booking app's page: the threshold reached gives a six-letter code; never with a discount code,
    even when stacking is allowed; a second use is refused."""
    set_program(api, allow_stacking=True)
    nina = new_client(api, "Nina", "Roux")
    sell(api, nina["id"], ("COLOUR", 1, "90.00"), ("CUT", 1, "40.00"))
    [code] = [c["code"] for c in codes_of(api, nina["id"])]

    with_discount = open_sale(api, nina["id"], discount_code="SUMMER10")
    status, body = api.call("POST", f"/sales/{with_discount['id']}/redemptions", {"code": code})
    assert (status, body["error"]["code"]) == (409, "one_discount_per_sale")
    give_points(api, nina["id"], 1)  # a manager's grant on the same sale is "another reward" too
    grant = api.ok("POST", f"/clients/{nina['id']}/rewards", {"reward_id": salon["big"]["id"], "reason": "Fidèle"},
                   as_="manager")
    other = open_sale(api, nina["id"])
    api.ok("POST", f"/sales/{other['id']}/redemptions", {"reward_id": salon["big"]["id"], "grant_id": grant["grant_id"]})
    status, body = api.call("POST", f"/sales/{other['id']}/redemptions", {"code": code})
    assert (status, body["error"]["code"]) == (409, "one_discount_per_sale")
    api.ok("POST", f"/sales/{other['id']}/cancel")

    sale = open_sale(api, nina["id"])
    api.ok("POST", f"/sales/{sale['id']}/redemptions", {"code": f" {code[:3]} {code[3:]} "})
    pay(api, {"id": sale["id"], "due": "30.00"})
    again = open_sale(api, nina["id"])
    status, body = api.call("POST", f"/sales/{again['id']}/redemptions", {"code": code})
    assert (status, body["error"]["code"]) == (409, "code_used")
    status, body = api.call("POST", f"/sales/{again['id']}/redemptions", {"code": "ZZZZZZ"})
    assert (status, body["error"]["code"]) == (404, "code_not_found")


def test_lowering_a_threshold_rewards_those_past_it_only_when_the_manager_says_so(api, salon):
    past = [new_client(api, "Anne", "Lefèvre"), new_client(api, "Bruno", "Garnier")]
    below = new_client(api, "Cécile", "Girard")
    for person in past:
        give_points(api, person["id"], 200)  # 10 € code, and 200 toward the 25 € voucher
    give_points(api, below["id"], 120)
    assert [c["name"] for c in codes_of(api, past[0]["id"])] == ["10 € off"]

    big = salon["big"]["id"]
    assert api.ok("GET", f"/rewards/{big}/clients-past", query={"points_cost": 150}, as_="manager")["clients_past"] == 2
    api.ok("PATCH", f"/rewards/{big}", {"points_cost": 150}, as_="manager")
    assert [c["name"] for c in codes_of(api, past[0]["id"])] == ["10 € off"]  # lowering gives nothing by itself
    assert api.ok("GET", f"/rewards/{big}/clients-past", as_="manager")["clients_past"] == 2
    give_points(api, below["id"], 40)  # 120 → 160 crosses 150 now: the new threshold counts for her
    assert sorted(c["name"] for c in codes_of(api, below["id"])) == ["10 € off", "25 € voucher"]

    status, _ = api.call("POST", f"/rewards/{big}/issue-to-clients-past")
    assert status == 403  # a till cannot
    assert api.ok("POST", f"/rewards/{big}/issue-to-clients-past", as_="manager")["issued"] == 2
    for person in past:
        assert sorted(c["name"] for c in codes_of(api, person["id"])) == ["10 € off", "25 € voucher"]
    assert api.ok("POST", f"/rewards/{big}/issue-to-clients-past", as_="manager")["issued"] == 0
    assert api.ok("GET", "/rewards/clients-past", query={"points_cost": 150}, as_="manager")["clients_past"] == 3
    audit = api.ok("GET", "/audit", as_="manager", query={"action": "grant.issue_past"})["items"]
    assert [item["after"]["issued"] for item in audit] == [0, 2]  # newest first


def test_disabling_stops_issuing_and_keeps_issued_codes_usable(api, salon):
    eva = new_client(api, "Eva", "Bonnet")
    give_points(api, eva["id"], 100)
    [code] = [c["code"] for c in codes_of(api, eva["id"])]
    set_program(api, enabled=False)
    sell(api, eva["id"], ("COLOUR", 3, "90.00"))
    assert [c["name"] for c in codes_of(api, eva["id"])] == ["10 € off"]  # nothing issued while off
    sale = open_sale(api, eva["id"])
    sale = api.ok("POST", f"/sales/{sale['id']}/redemptions", {"code": code})
    assert sale["due"] == "30.00"
    assert pay(api, sale)["status"] == "paid"
    assert [c["status"] for c in codes_of(api, eva["id"])] == ["used"]


def test_points_are_never_spent_in_milestone_mode(api, salon):
    paul = new_client(api, "Paul", "Martin")
    give_points(api, paul["id"], 300)
    sale = open_sale(api, paul["id"])
    status, body = api.call("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": salon["ten"]["id"]})
    assert (status, body["error"]["code"]) == (409, "milestone_mode")
    assert balance(api, paul["id"]) == 300


def test_a_code_without_a_client_attaches_its_owner_and_another_clients_is_refused(api, salon):
    owner, other = new_client(api, "Inès", "Mercier"), new_client(api, "Jules", "Dumas")
    give_points(api, owner["id"], 100)
    [code] = [c["code"] for c in codes_of(api, owner["id"])]
    theirs = open_sale(api, other["id"])
    status, body = api.call("POST", f"/sales/{theirs['id']}/redemptions", {"code": code})
    assert (status, body["error"]["code"]) == (409, "code_other_client")
    anonymous = open_sale(api, None)
    sale = api.ok("POST", f"/sales/{anonymous['id']}/redemptions", {"code": code})
    assert sale["client_id"] == owner["id"] and sale["due"] == "30.00"
    status, body = api.call("POST", f"/sales/{theirs['id']}/redemptions", {"code": code})
    assert (status, body["error"]["code"]) == (409, "code_other_client")
    mine = open_sale(api, owner["id"])
    status, body = api.call("POST", f"/sales/{mine['id']}/redemptions", {"code": code})
    assert (status, body["error"]["code"]) == (409, "code_held")
    api.ok("POST", f"/sales/{anonymous['id']}/cancel")
    assert [c["status"] for c in codes_of(api, owner["id"])] == ["issued"]  # cancelling gives it back
    assert balance(api, owner["id"]) == 100


@pytest.mark.parametrize("body", [{}, {"reward_id": 1, "code": "ABCDEF"}, {"code": ""}, {"code": "ABCDEF", "grant_id": 1}])
def test_a_redemption_gives_either_a_reward_or_a_code(api, salon, body):
    client = new_client(api, "Karl", "Lemaire")
    sale = open_sale(api, client["id"])
    status, answer = api.call("POST", f"/sales/{sale['id']}/redemptions", body)
    assert status == 422, answer
    assert api.ok("GET", f"/sales/{sale['id']}")["redemptions"] == []


def test_a_refund_makes_the_code_usable_again(api, salon):
    lea = new_client(api, "Léa", "Bernard")
    give_points(api, lea["id"], 150)
    [(code, reward_name)] = [(c["code"], c["name"]) for c in codes_of(api, lea["id"])]
    sale = open_sale(api, lea["id"], "COLOUR", "90.00")
    api.ok("POST", f"/sales/{sale['id']}/redemptions", {"code": code})
    pay(api, {"id": sale["id"], "due": "80.00"})
    assert [c["status"] for c in codes_of(api, lea["id"])] == ["used"]
    assert balance(api, lea["id"]) == 230
    refund = api.ok("POST", f"/sales/{sale['id']}/refund", as_="manager")
    assert refund["points_reversed"] == 80 and refund["points_returned"] == 0
    assert [c["status"] for c in codes_of(api, lea["id"])] == ["issued"]
    assert balance(api, lea["id"]) == 150
    latest = api.ok("GET", f"/clients/{lea['id']}/ledger")["items"][:2]  # newest first: the history says so
    again_usable = [e for e in latest if e["kind"] == "refund" and e["points"] == 0]
    assert [e["description"] for e in again_usable] == [  # in the salon's language
        f"Vente n° {sale['id']} remboursée : le code {code} (« {reward_name} ») peut resservir"]
    again = open_sale(api, lea["id"])
    assert api.ok("POST", f"/sales/{again['id']}/redemptions", {"code": code})["due"] == "30.00"


def test_a_manager_voids_a_code_and_it_can_no_longer_be_used(api, salon):
    max_ = new_client(api, "Max", "Perrin")
    give_points(api, max_["id"], 100)
    [code] = [c["code"] for c in codes_of(api, max_["id"])]
    status, _ = api.call("POST", f"/clients/{max_['id']}/codes/{code}/void")
    assert status == 403
    sale = open_sale(api, max_["id"])
    api.ok("POST", f"/sales/{sale['id']}/redemptions", {"code": code})
    status, body = api.call("POST", f"/clients/{max_['id']}/codes/{code}/void", as_="manager")
    assert (status, body["error"]["code"]) == (409, "code_held")
    api.ok("POST", f"/sales/{sale['id']}/cancel")
    other = new_client(api, "Noé", "Fabre")
    status, body = api.call("POST", f"/clients/{other['id']}/codes/{code}/void", as_="manager")
    assert (status, body["error"]["code"]) == (404, "code_not_found")
    voided = api.ok("POST", f"/clients/{max_['id']}/codes/{code.lower()}/void", as_="manager")
    assert voided["status"] == "void" and voided["voided_by"]
    sale = open_sale(api, max_["id"])
    status, body = api.call("POST", f"/sales/{sale['id']}/redemptions", {"code": code})
    assert (status, body["error"]["code"]) == (409, "code_void")
    status, body = api.call("POST", f"/clients/{max_['id']}/codes/{code}/void", as_="manager")
    assert (status, body["error"]["code"]) == (409, "code_void")
    assert balance(api, max_["id"]) == 100
    assert [c["status"] for c in api.ok("GET", f"/clients/{max_['id']}/codes")] == ["void"]


def test_redeem_mode_answers_as_before_and_issues_nothing(api):
    add_item(api, "CUT", "Coupe", "40.00", category="cut")
    add_reward(api, "10 € off", 100)
    client = new_client(api, "Olga", "Renard")
    give_points(api, client["id"], 150)
    summary = api.ok("GET", f"/clients/{client['id']}/loyalty")
    assert not {"reward_mode", "lifetime", "codes"} & set(summary)
    assert codes_of(api, client["id"]) == []
    assert api.ok("GET", "/program")["reward_mode"] == "redeem"


def test_the_mode_is_a_programme_version_and_a_wrong_mode_is_refused(api):
    before = api.ok("GET", "/program")
    status, body = api.call("PATCH", "/program", {"reward_mode": "stamps"}, as_="manager")
    assert status == 422 and "reward_mode" in body["error"]["details"]
    assert api.ok("GET", "/program")["version"] == before["version"]
    after = set_program(api, reward_mode="milestone", referral_thanks_email=True)
    assert (after["reward_mode"], after["referral_thanks_email"], after["version"]) == ("milestone", True,
                                                                                       before["version"] + 1)
    assert before["referral_thanks_email"] is False
