"""Validity of points: lots expire the day after their expiry date (salon time), soonest-first redemption,
and a validity change only affects later earnings. Time moves with the injectable clock."""

from salon_setup import add_item, add_reward, balance, new_client, sell, set_program


def ledger(api, client_id):
    return api.ok("GET", f"/clients/{client_id}/ledger", query={"limit": 200})["items"]


def test_points_earned_13_months_ago_are_expired(api, clock):
    set_program(api, validity_months=12)
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    client = new_client(api, "Hélène", "Roux")
    sell(api, client["id"], ("CUT", 1, "40.00"))
    earned = ledger(api, client["id"])[0]
    assert earned["expires_on"] == "2027-11-22"

    clock.advance(days=365)  # 2027-11-22: the last day they count
    assert balance(api, client["id"]) == 40
    clock.advance(days=1)  # the day after their expiry date
    assert balance(api, client["id"]) == 0
    clock.advance(days=29)  # 13 months on
    history = ledger(api, client["id"])
    assert [(e["kind"], e["points"]) for e in history] == [("expire", -40), ("earn", 40)]
    assert history[0]["at"].startswith("2027-11-23T00:00:00+01:00")
    assert sum(e["points"] for e in history) == balance(api, client["id"]) == 0


def test_next_expiry_and_expiring_groups(api, clock):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    client = new_client(api, "Zoé", "Faure")
    sell(api, client["id"], ("CUT", 1, "40.00"))
    clock.advance(days=40)
    sell(api, client["id"], ("CUT", 2, "40.00"))
    summary = api.ok("GET", f"/clients/{client['id']}/loyalty")
    assert summary["next_expiry"] == {"points": 40, "expires_on": "2027-11-22"}
    assert summary["expiring"] == [{"points": 40, "expires_on": "2027-11-22"},
                                   {"points": 80, "expires_on": "2028-01-01"}]


def test_redemption_consumes_the_lots_that_expire_first(api, clock):
    add_item(api, "CUT", "Coupe femme", "60.00", category="cut")
    reward = add_reward(api, "10 € off", 100)
    client = new_client(api, "Jérôme", "Lefèvre")
    sell(api, client["id"], ("CUT", 1, "60.00"))  # 60 points, expire 2027-11-22
    clock.advance(days=31)
    sell(api, client["id"], ("CUT", 1, "60.00"))  # 60 points, expire 2027-12-23
    clock.advance(days=1)
    sale = sell(api, client["id"], ("CUT", 1, "60.00"), pay=False)
    api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward["id"]})
    api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "50.00", "method": "card"})
    # 120 - 100 redeemed + 50 earned: the first lot is gone, 20 of the second are left.
    summary = api.ok("GET", f"/clients/{client['id']}/loyalty")
    assert summary["balance"] == 70
    assert summary["expiring"] == [{"points": 20, "expires_on": "2027-12-23"},
                                   {"points": 50, "expires_on": "2027-12-24"}]


def test_changing_validity_changes_only_later_earnings(api, clock):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    client = new_client(api, "Françoise", "Garnier")
    sell(api, client["id"], ("CUT", 1, "40.00"))
    set_program(api, validity_months=6)
    clock.advance(days=1)
    sell(api, client["id"], ("CUT", 1, "40.00"))
    set_program(api, validity_months=None)
    sell(api, client["id"], ("CUT", 1, "40.00"))
    expiries = [e["expires_on"] for e in ledger(api, client["id"])]
    assert expiries == [None, "2027-05-23", "2027-11-22"]
    clock.advance(days=200)  # past the 6-month lot only
    assert balance(api, client["id"]) == 80


def test_expiry_follows_the_salon_time_zone(api, clock):
    """23:30 UTC on the expiry date is already the next day in Paris: the points are gone."""
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    client = new_client(api, "Inès", "Moreau")
    sell(api, client["id"], ("CUT", 1, "40.00"))
    clock.set(clock().replace(year=2027, month=11, day=22, hour=22, minute=59))  # 23:59 in Paris
    assert balance(api, client["id"]) == 40
    clock.advance(minutes=1)  # midnight in Paris, still 22 November in UTC
    assert balance(api, client["id"]) == 0


def test_nightly_sweep_writes_expiry_entries(app, api, clock):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    client = new_client(api, "Paul", "Durand")
    sell(api, client["id"], ("CUT", 1, "40.00"))
    clock.advance(days=400)
    with app.app_context():
        from pos_loyalty.services.expiry import sweep_all

        assert sweep_all() == 40
        assert sweep_all() == 0
    assert ledger(api, client["id"])[0]["kind"] == "expire"
