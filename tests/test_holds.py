"""Holds: a client cannot hold more than the balance; two open sales see each other's holds."""
from salon_setup import add_item, add_reward, balance, give_points, new_client, sell


def test_cannot_hold_more_than_the_balance(api):
    add_item(api, "CUT", "Coupe femme", "60.00", category="cut")
    big = add_reward(api, "25 € voucher", 250, value="25.00")
    client = new_client(api, "Léa", "Morin")
    give_points(api, client["id"], 200)
    sale = sell(api, client["id"], ("CUT", 1, "60.00"), pay=False)
    code, body = api.call("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": big["id"]})
    assert code == 409
    assert body["error"]["code"] == "insufficient_points"
    assert body["error"]["details"]["points_missing"] == 50
    assert api.ok("GET", f"/sales/{sale['id']}")["due"] == "60.00"
    assert api.ok("GET", f"/clients/{client['id']}/loyalty")["held"] == 0


def test_two_open_sales_see_each_others_holds(api):
    add_item(api, "CUT", "Coupe femme", "60.00", category="cut")
    reward = add_reward(api, "10 € off", 150)
    client = new_client(api, "Maé", "Colin")
    give_points(api, client["id"], 200)
    first = sell(api, client["id"], ("CUT", 1, "60.00"), pay=False)
    second = sell(api, client["id"], ("CUT", 1, "60.00"), pay=False)
    api.ok("POST", f"/sales/{first['id']}/redemptions", {"reward_id": reward["id"]})
    code, body = api.call("POST", f"/sales/{second['id']}/redemptions", {"reward_id": reward["id"]})
    assert code == 409 and body["error"]["details"]["available"] == 50
    summary = api.ok("GET", f"/clients/{client['id']}/loyalty")
    assert (summary["balance"], summary["held"], summary["available"]) == (200, 150, 50)
    assert summary["eligible_rewards"] == []


def test_removing_a_reward_releases_its_hold(api):
    add_item(api, "CUT", "Coupe femme", "60.00", category="cut")
    reward = add_reward(api, "10 € off", 100)
    client = new_client(api, "Rémi", "Vidal")
    give_points(api, client["id"], 120)
    sale = sell(api, client["id"], ("CUT", 1, "60.00"), pay=False)
    held = api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward["id"]})
    redemption_id = held["redemptions"][0]["id"]
    released = api.ok("DELETE", f"/sales/{sale['id']}/redemptions/{redemption_id}")
    assert released["due"] == "60.00"
    assert released["redemptions"][0]["status"] == "released"
    assert api.ok("GET", f"/clients/{client['id']}/loyalty")["available"] == 120
    paid = api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "60.00", "method": "card"})
    assert paid["points_redeemed"] == 0 and balance(api, client["id"]) == 180


def test_split_payment_credits_once_when_fully_paid(api):
    add_item(api, "COLOR", "Couleur", "85.00", category="colour")
    client = new_client(api, "Ana", "Costa")
    sale = sell(api, client["id"], ("COLOR", 1, "85.00"), pay=False)
    part = api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "50.00", "method": "card"})
    assert (part["status"], part["points_earned"], part["sale"]["due"]) == ("open", 0, "35.00")
    assert balance(api, client["id"]) == 0
    rest = api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "40.00", "method": "cash"})
    assert (rest["status"], rest["points_earned"], rest["change"], rest["balance"]) == ("paid", 85, "5.00", 85)


def test_attaching_a_client_later_quotes_with_their_balance(api):
    add_item(api, "CUT", "Coupe femme", "60.00", category="cut")
    client = new_client(api, "Yves", "Noir")
    give_points(api, client["id"], 40)
    sale = api.ok("POST", "/sales", {"lines": [{"code": "CUT", "quantity": 1}]})
    assert sale["quote"] == {"points_to_earn": 60, "balance_after": None, "points_to_redeem": 0,
                             "earnings": sale["quote"]["earnings"]}
    attached = api.ok("PUT", f"/sales/{sale['id']}/client", {"client_id": client["id"]})
    assert attached["quote"]["balance_after"] == 100


def test_lines_change_while_open_and_unpaid(api):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    add_item(api, "GLOSS", "Gloss", "30.00", category="colour")
    sale = api.ok("POST", "/sales", {"lines": [{"code": "CUT", "quantity": 1}]})
    grown = api.ok("POST", f"/sales/{sale['id']}/lines", {"code": "GLOSS", "quantity": 1})
    again = api.ok("POST", f"/sales/{sale['id']}/lines", {"code": "CUT", "quantity": 1})
    assert [(line["code"], line["quantity"]) for line in again["lines"]] == [("CUT", 2), ("GLOSS", 1)] and grown["total"] == "70.00"
    shrunk = api.ok("DELETE", f"/sales/{sale['id']}/lines/1")
    assert shrunk["total"] == "80.00"
    code, body = api.call("DELETE", f"/sales/{sale['id']}/lines/0")
    assert code == 409 and body["error"]["code"] == "last_line"
    api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "10.00", "method": "card"})
    code, body = api.call("POST", f"/sales/{sale['id']}/lines", {"code": "GLOSS", "quantity": 1})
    assert code == 409 and body["error"]["code"] == "sale_partly_paid"
