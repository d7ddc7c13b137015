"""A manager grants a reward before its threshold; the client redeems it at no points, once."""
from salon_setup import add_item, add_reward, balance, new_client, sell


def test_granted_reward_is_redeemed_at_no_points_and_recorded(api):
    add_item(api, "CUT", "Coupe femme", "60.00", category="cut")
    reward = add_reward(api, "10 € off", 100)
    client = new_client(api, "Julie", "Marchand")
    code, _ = api.call("POST", f"/clients/{client['id']}/rewards", {"reward_id": reward["id"], "reason": "x"})
    assert code == 403  # a till cannot grant

    grant = api.ok("POST", f"/clients/{client['id']}/rewards",
                   {"reward_id": reward["id"], "reason": "Goodwill after a late appointment"}, as_="manager")
    summary = api.ok("GET", f"/clients/{client['id']}/loyalty")
    assert [g["grant_id"] for g in summary["granted_rewards"]] == [grant["grant_id"]]
    history = api.ok("GET", f"/clients/{client['id']}/ledger")["items"]
    assert history[0]["points"] == 0 and "Goodwill" in history[0]["description"]
    assert history[0]["staff"] == "Ana (manager)"

    sale = sell(api, client["id"], ("CUT", 1, "60.00"), pay=False)
    held = api.ok("POST", f"/sales/{sale['id']}/redemptions",
                  {"reward_id": reward["id"], "grant_id": grant["grant_id"]})
    assert held["due"] == "50.00" and held["quote"]["points_to_redeem"] == 0
    paid = api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "50.00", "method": "card"})
    assert (paid["points_redeemed"], paid["balance"]) == (0, 50)

    again = sell(api, client["id"], ("CUT", 1, "60.00"), pay=False)
    code, body = api.call("POST", f"/sales/{again['id']}/redemptions",
                          {"reward_id": reward["id"], "grant_id": grant["grant_id"]})
    assert code == 409 and body["error"]["code"] == "grant_used"
    obtained = api.ok("GET", f"/clients/{client['id']}/rewards")
    assert [(r["name"], r["status"]) for r in obtained] == [("10 € off", "used")]


def test_cancelled_sale_gives_the_grant_back(api):
    add_item(api, "CUT", "Coupe femme", "60.00", category="cut")
    reward = add_reward(api, "10 € off", 100)
    client = new_client(api, "Marc", "Henry")
    grant = api.ok("POST", f"/clients/{client['id']}/rewards", {"reward_id": reward["id"], "reason": "Contest"},
                   as_="manager")
    sale = sell(api, client["id"], ("CUT", 1, "60.00"), pay=False)
    api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward["id"], "grant_id": grant["grant_id"]})
    assert api.ok("GET", f"/clients/{client['id']}/loyalty")["granted_rewards"] == []
    api.ok("POST", f"/sales/{sale['id']}/cancel")
    assert len(api.ok("GET", f"/clients/{client['id']}/loyalty")["granted_rewards"]) == 1
    assert balance(api, client["id"]) == 0


def test_grant_of_another_client_is_refused(api):
    add_item(api, "CUT", "Coupe femme", "60.00", category="cut")
    reward = add_reward(api, "10 € off", 100)
    owner = new_client(api, "Anne", "Roy")
    other = new_client(api, "Bea", "Roy")
    grant = api.ok("POST", f"/clients/{owner['id']}/rewards", {"reward_id": reward["id"], "reason": "Contest"},
                   as_="manager")
    sale = sell(api, other["id"], ("CUT", 1, "60.00"), pay=False)
    code, body = api.call("POST", f"/sales/{sale['id']}/redemptions",
                          {"reward_id": reward["id"], "grant_id": grant["grant_id"]})
    assert code == 404 and body["error"]["code"] == "grant_not_found"


def test_refund_of_a_sale_paid_with_a_granted_reward_gives_the_grant_back(api):
    """PRODUCT §2: a refund returns what the sale redeemed. A granted reward cost no points, so what comes
    back is the grant itself, usable again on another sale; the points the sale earned are taken back."""
    add_item(api, "CUT", "Coupe femme", "60.00", category="cut")
    reward = add_reward(api, "10 € off", 100)
    client = new_client(api, "Inès", "Garnier")
    grant = api.ok("POST", f"/clients/{client['id']}/rewards", {"reward_id": reward["id"], "reason": "Contest"},
                   as_="manager")
    sale = sell(api, client["id"], ("CUT", 1, "60.00"), pay=False)
    api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward["id"], "grant_id": grant["grant_id"]})
    paid = api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "50.00", "method": "card"})
    assert (paid["points_earned"], paid["points_redeemed"], paid["balance"]) == (50, 0, 50)
    assert [r["status"] for r in api.ok("GET", f"/clients/{client['id']}/rewards")] == ["used"]

    refund = api.ok("POST", f"/sales/{sale['id']}/refund", as_="manager")
    assert (refund["points_reversed"], refund["points_returned"], refund["balance"]) == (50, 0, 0)
    assert [(r["grant_id"], r["status"]) for r in api.ok("GET", f"/clients/{client['id']}/rewards")] == \
        [(grant["grant_id"], "available")]
    summary = api.ok("GET", f"/clients/{client['id']}/loyalty")
    assert [g["grant_id"] for g in summary["granted_rewards"]] == [grant["grant_id"]]
    assert summary["balance"] == 0
    history = api.ok("GET", f"/clients/{client['id']}/ledger")["items"]
    assert f"Vente n° {sale['id']} remboursée : « 10 € off » (offerte) peut resservir" in [  # the salon's language
        e["description"] for e in history if e["kind"] == "refund" and e["points"] == 0]
    assert sum(e["points"] for e in history) == 0  # the balance is still the ledger's sum

    again = sell(api, client["id"], ("CUT", 1, "60.00"), pay=False)
    held = api.ok("POST", f"/sales/{again['id']}/redemptions",
                  {"reward_id": reward["id"], "grant_id": grant["grant_id"]})
    assert held["due"] == "50.00" and held["quote"]["points_to_redeem"] == 0
    paid = api.ok("POST", f"/sales/{again['id']}/payments", {"amount": "50.00", "method": "card"})
    assert (paid["points_redeemed"], paid["balance"]) == (0, 50)
    assert [r["status"] for r in api.ok("GET", f"/clients/{client['id']}/rewards")] == ["used"]
    history = api.ok("GET", f"/clients/{client['id']}/ledger", query={"limit": 200})["items"]
    assert sum(e["points"] for e in history) == 50
