"""The issue's three scenarios, exactly these numbers, through the real server over HTTP."""
from salon_setup import add_item, add_reward, add_rule, balance, give_points, new_client, sell, set_program


def test_new_client_earns_spend_and_service_points(live_api):
    api = live_api
    set_program(api, points_per_unit="1")
    add_item(api, "PORTRAIT", "Portrait", "75.00", category="photo")
    add_rule(api, kind="service", service_code="PORTRAIT", points=50)
    ten_off = add_reward(api, "10 € off", 100)
    add_reward(api, "25 € voucher", 250, value="25.00")
    marie = new_client(api, "Marie", "Dupont")
    assert marie["referral_code"] == "MARIE-DUPONT"

    paid = sell(api, marie["id"], ("PORTRAIT", 1, "75.00"))

    assert paid["status"] == "paid"
    assert paid["points_earned"] == 125
    assert paid["balance"] == 125
    summary = api.ok("GET", f"/clients/{marie['id']}/loyalty")
    assert summary["balance"] == 125
    assert [r["name"] for r in summary["eligible_rewards"]] == ["10 € off"]
    assert summary["eligible_rewards"][0]["id"] == ten_off["id"]
    assert summary["next_reward"] == {"id": summary["next_reward"]["id"], "name": "25 € voucher",
                                      "points_cost": 250, "points_missing": 125}


def test_referral_bonus_once_on_first_paid_sale(live_api):
    api = live_api
    set_program(api, referrer_bonus=30, welcome_bonus=10)
    add_item(api, "FAMILY", "Family", "75.00", category="photo")
    add_rule(api, kind="service", service_code="FAMILY", points=75)
    paul = new_client(api, "Paul", "Martin")
    give_points(api, paul["id"], 350)
    assert paul["referral_code"] == "PAUL-MARTIN"

    sophie = new_client(api, "Sophie", "Martin", referred_by="PAUL-MARTIN")
    quote = api.ok("POST", "/sales", {"client_id": sophie["id"], "lines": [{"code": "FAMILY", "quantity": 1}]})
    assert quote["quote"]["points_to_earn"] == 160
    api.ok("POST", f"/sales/{quote['id']}/payments", {"amount": "75.00", "method": "card"})

    assert balance(api, paul["id"]) == 380
    assert balance(api, sophie["id"]) == 160

    sell(api, sophie["id"], ("FAMILY", 1, "75.00"))
    assert balance(api, paul["id"]) == 380
    assert balance(api, sophie["id"]) == 160 + 150


def test_redeem_then_pay_or_cancel(live_api):
    api = live_api
    add_item(api, "CUT", "Cut & blow-dry", "60.00", category="cut")
    ten_off = add_reward(api, "10 € off", 100)
    client = new_client(api, "Léa", "Bernard")
    give_points(api, client["id"], 200)

    sale = sell(api, client["id"], ("CUT", 1, "60.00"), pay=False)
    held = api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": ten_off["id"]})
    assert held["due"] == "50.00"
    assert held["quote"]["points_to_earn"] == 50
    assert held["quote"]["balance_after"] == 150
    assert api.ok("GET", f"/clients/{client['id']}/loyalty")["available"] == 100
    paid = api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "50.00", "method": "card"})
    assert (paid["status"], paid["points_earned"], paid["points_redeemed"], paid["balance"]) == ("paid", 50, 100, 150)

    other = new_client(api, "Chloé", "Petit")
    give_points(api, other["id"], 200)
    sale = sell(api, other["id"], ("CUT", 1, "60.00"), pay=False)
    api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": ten_off["id"]})
    assert api.ok("GET", f"/clients/{other['id']}/loyalty")["held"] == 100
    cancelled = api.ok("POST", f"/sales/{sale['id']}/cancel")
    assert cancelled["status"] == "cancelled"
    summary = api.ok("GET", f"/clients/{other['id']}/loyalty")
    assert (summary["balance"], summary["held"], summary["available"]) == (200, 0, 200)
