"""Refunds reverse what a sale earned and return what it redeemed, with the original expiry."""
from salon_setup import add_item, add_reward, add_rule, balance, give_points, new_client, sell, set_program


def test_refund_reverses_earned_and_returns_redeemed(api):
    add_item(api, "CUT", "Coupe femme", "60.00", category="cut")
    reward = add_reward(api, "10 € off", 100)
    client = new_client(api, "Léa", "Bernard")
    give_points(api, client["id"], 200)
    sale = sell(api, client["id"], ("CUT", 1, "60.00"), pay=False)
    api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward["id"]})
    api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "50.00", "method": "card"})
    assert balance(api, client["id"]) == 150

    refund = api.ok("POST", f"/sales/{sale['id']}/refund", as_="manager")
    assert (refund["points_reversed"], refund["points_returned"], refund["balance"]) == (50, 100, 200)
    assert refund["sale"]["status"] == "refunded"
    summary = api.ok("GET", f"/clients/{client['id']}/loyalty")
    assert summary["expiring"] == [{"points": 200, "expires_on": "2027-11-22"}]  # their original expiry

    code, body = api.call("POST", f"/sales/{sale['id']}/refund", as_="manager")
    assert code == 409 and body["error"]["code"] == "sale_refunded"
    assert balance(api, client["id"]) == 200


def test_refund_of_spent_points_makes_the_balance_negative_and_blocks_redemption(api):
    add_item(api, "COLOR", "Couleur", "100.00", category="colour")
    reward = add_reward(api, "10 € off", 100)
    client = new_client(api, "Marc", "Blanc")
    first = sell(api, client["id"], ("COLOR", 1, "100.00"))
    spend = sell(api, client["id"], ("COLOR", 1, "100.00"), pay=False)
    api.ok("POST", f"/sales/{spend['id']}/redemptions", {"reward_id": reward["id"]})
    api.ok("POST", f"/sales/{spend['id']}/payments", {"amount": "90.00", "method": "card"})
    assert balance(api, client["id"]) == 90  # 100 - 100 + 90

    api.ok("POST", f"/sales/{first['sale']['id']}/refund", as_="manager")
    assert balance(api, client["id"]) == -10
    again = sell(api, client["id"], ("COLOR", 1, "100.00"), pay=False)
    code, body = api.call("POST", f"/sales/{again['id']}/redemptions", {"reward_id": reward["id"]})
    assert code == 409 and body["error"]["code"] == "negative_balance"
    api.ok("POST", f"/sales/{again['id']}/payments", {"amount": "100.00", "method": "card"})
    assert balance(api, client["id"]) == 90  # the debt is paid back first
    entries = api.ok("GET", f"/clients/{client['id']}/ledger", query={"limit": 200})["items"]
    assert sum(e["points"] for e in entries) == 90


def test_reward_discount_earns_nothing(api):
    add_item(api, "CUT", "Coupe femme", "60.00", category="cut")
    reward = add_reward(api, "Free cut", 100, kind="free_item", value="CUT")
    client = new_client(api, "Anna", "Perrin")
    give_points(api, client["id"], 100)
    sale = sell(api, client["id"], ("CUT", 2, "60.00"), pay=False)
    held = api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward["id"]})
    assert held["due"] == "60.00"
    assert held["quote"]["points_to_earn"] == 60


def test_refund_takes_back_the_referral_bonuses(api):
    set_program(api, referrer_bonus=30, welcome_bonus=10)
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    paul = new_client(api, "Paul", "Martin")
    sophie = new_client(api, "Sophie", "Martin", referred_by="paul-martin")
    first = sell(api, sophie["id"], ("CUT", 1, "40.00"))
    assert (balance(api, paul["id"]), balance(api, sophie["id"])) == (30, 50)
    api.ok("POST", f"/sales/{first['sale']['id']}/refund", as_="manager")
    assert (balance(api, paul["id"]), balance(api, sophie["id"])) == (0, 0)


def test_service_and_category_points_most_specific_wins(api):
    add_item(api, "BALAYAGE", "Balayage", "120.00", category="colour")
    add_item(api, "GLOSS", "Gloss", "30.00", category="colour")
    add_item(api, "SHAMPOO", "Shampooing", "15.00", kind="product", category="retail")
    add_rule(api, kind="category", category="colour", points=20)
    add_rule(api, kind="service", service_code="BALAYAGE", points=40)
    client = new_client(api, "Nina", "Roche")
    sale = sell(api, client["id"], ("BALAYAGE", 1, "120.00"), ("GLOSS", 2, "30.00"), ("SHAMPOO", 1, "15.00"),
                pay=False)
    earnings = {e["description"]: e["points"] for e in sale["quote"]["earnings"]}
    assert earnings == {"195,00\xa0€ dépensés": 195, "Balayage": 40, "Gloss ×2": 40}
    set_program(api, products_earn=False)
    again = api.ok("GET", f"/sales/{sale['id']}")
    assert again["quote"]["points_to_earn"] == 180 + 80


def test_exclusions_discount_code_and_subscribers(api):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    member = new_client(api, "Eva", "Lopez", subscriber=True)
    regular = new_client(api, "Luc", "Simon")
    assert sell(api, member["id"], ("CUT", 1, "40.00"))["points_earned"] == 0
    with_code = sell(api, regular["id"], ("CUT", 1, "40.00"), discount_code="BLACKFRIDAY")
    assert with_code["points_earned"] == 0
    set_program(api, subscribers_earn=True, discounted_sales_earn=True)
    assert sell(api, member["id"], ("CUT", 1, "40.00"))["points_earned"] == 40
    assert sell(api, regular["id"], ("CUT", 1, "40.00"), discount_code="BLACKFRIDAY")["points_earned"] == 40


def test_multiplier_on_tuesdays_and_program_versions(api, clock):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    add_rule(api, kind="multiplier", factor="2", starts_on="2026-11-01", ends_on=None, weekdays=[2])
    client = new_client(api, "Rose", "Dumas")
    sunday = sell(api, client["id"], ("CUT", 1, "40.00"))  # 22 Nov 2026 is a Sunday
    assert sunday["points_earned"] == 40
    clock.advance(days=2)
    tuesday = sell(api, client["id"], ("CUT", 1, "40.00"))
    assert tuesday["points_earned"] == 80
    assert tuesday["sale"]["quote"]["earnings"][0]["description"] == "40,00\xa0€ dépensés ×2"
    version = api.ok("GET", "/program")["version"]
    set_program(api, points_per_unit="0.5")
    assert api.ok("GET", "/program")["version"] == version + 1
    entries = api.ok("GET", f"/clients/{client['id']}/ledger")["items"]
    assert {e["rule_version"] for e in entries} == {version}  # earned under the old version, untouched
    assert balance(api, client["id"]) == 120


def test_disabled_program_stops_earning_and_hides_balances(api):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    client = new_client(api, "Tom", "Girard")
    sell(api, client["id"], ("CUT", 1, "40.00"))
    set_program(api, enabled=False)
    assert sell(api, client["id"], ("CUT", 1, "40.00"))["points_earned"] == 0
    code, body = api.call("GET", f"/clients/{client['id']}/loyalty")
    assert code == 409 and body["error"]["code"] == "program_disabled"
    assert api.ok("GET", f"/clients/{client['id']}/loyalty", as_="manager")["balance"] == 40
    set_program(api, enabled=True)
    assert balance(api, client["id"]) == 40
