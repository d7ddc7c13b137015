"""A reward's sale_earns: false, a sale that uses the reward earns no points at all (the booking app's free
visit); true, it earns on what is paid. The sale keeps what the reward said when it was held."""
from salon_setup import add_item, add_reward, add_rule, balance, give_points, new_client, sell, set_program


def hold(api, client_id, reward_id, *lines):
    sale = sell(api, client_id, *lines, pay=False)
    return api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward_id})


def pay(api, sale):
    return api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": sale["due"], "method": "card"})


def test_a_reward_that_earns_nothing_stops_every_rule(api):
    set_program(api, points_per_unit="1", discounted_sales_earn=False)
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    add_item(api, "COL", "Couleur", "55.00", category="colour")
    add_rule(api, kind="service", service_code="CUT", points=10)
    add_rule(api, kind="category", category="colour", points=20)
    add_rule(api, kind="visit", points=1)
    add_rule(api, kind="multiplier", factor="2")
    free_cut = add_reward(api, "Free cut", 100, kind="free_item", value="CUT")
    assert free_cut["sale_earns"] is True  # the default: as before
    free_cut = api.ok("PATCH", f"/rewards/{free_cut['id']}", {"sale_earns": False}, as_="manager")
    assert free_cut["sale_earns"] is False
    assert api.ok("GET", "/rewards", as_="manager")[0]["sale_earns"] is False
    client = new_client(api, "Hélène", "Dupré")
    give_points(api, client["id"], 100)

    plain = sell(api, client["id"], ("CUT", 1, "40.00"), ("COL", 1, "55.00"), pay=False)
    assert plain["quote"]["points_to_earn"] == 95 * 2 + 10 + 20 + 1  # spend ×2, CUT, colour, the visit
    api.ok("POST", f"/sales/{plain['id']}/cancel")
    sale = hold(api, client["id"], free_cut["id"], ("CUT", 1, "40.00"), ("COL", 1, "55.00"))
    assert sale["due"] == "55.00"
    assert sale["quote"]["points_to_earn"] == 0 and sale["quote"]["earnings"] == []
    assert sale["quote"]["balance_after"] == 0
    paid = pay(api, sale)
    assert paid["points_earned"] == 0
    assert balance(api, client["id"]) == 0


def test_a_reward_that_earns_lets_the_sale_earn_on_what_is_paid(api):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    add_rule(api, kind="visit", points=1)
    reward = add_reward(api, "10 € off", 100, value="10.00")
    client = new_client(api, "Zoé", "Faure")
    give_points(api, client["id"], 100)
    sale = hold(api, client["id"], reward["id"], ("CUT", 1, "40.00"))
    assert sale["quote"]["points_to_earn"] == 30 + 1
    assert pay(api, sale)["points_earned"] == 31
    assert balance(api, client["id"]) == 31


def test_the_held_sale_keeps_what_the_reward_said(api):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    reward = add_reward(api, "10 € off", 100, value="10.00")
    client = new_client(api, "Marc", "Blanc")
    give_points(api, client["id"], 300)

    earning = hold(api, client["id"], reward["id"], ("CUT", 1, "40.00"))  # held while it earns
    api.ok("PATCH", f"/rewards/{reward['id']}", {"sale_earns": False}, as_="manager")
    assert api.ok("GET", f"/sales/{earning['id']}")["quote"]["points_to_earn"] == 30
    assert pay(api, earning)["points_earned"] == 30

    not_earning = hold(api, client["id"], reward["id"], ("CUT", 1, "40.00"))  # held since the change
    assert not_earning["quote"]["points_to_earn"] == 0
    api.ok("PATCH", f"/rewards/{reward['id']}", {"sale_earns": True}, as_="manager")
    assert api.ok("GET", f"/sales/{not_earning['id']}")["quote"]["points_to_earn"] == 0
    assert pay(api, not_earning)["points_earned"] == 0
    assert balance(api, client["id"]) == 300 - 100 + 30 - 100


def test_a_released_reward_lets_the_sale_earn_again(api):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    reward = add_reward(api, "10 € off", 100, value="10.00")
    api.ok("PATCH", f"/rewards/{reward['id']}", {"sale_earns": False}, as_="manager")
    client = new_client(api, "Nina", "Garnier")
    give_points(api, client["id"], 100)
    sale = hold(api, client["id"], reward["id"], ("CUT", 1, "40.00"))
    assert sale["quote"]["points_to_earn"] == 0
    released = api.ok("DELETE", f"/sales/{sale['id']}/redemptions/{sale['redemptions'][0]['id']}")
    assert released["quote"]["points_to_earn"] == 40


def test_a_bad_switch_is_refused(api):
    before = api.ok("GET", "/rewards", as_="manager")
    for value in ("yes", 1, None):
        status, body = api.call("POST", "/rewards", {"name": "Free cut", "kind": "amount_off", "value": "10.00",
                                                     "points_cost": 100, "sale_earns": value}, as_="manager")
        assert status == 422 and "sale_earns" in body["error"]["details"], body
    assert api.ok("GET", "/rewards", as_="manager") == before
