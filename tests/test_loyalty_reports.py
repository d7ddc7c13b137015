"""GET /reports/loyalty and /reports/ranking on a chain's year built through the API, on both databases.

Every expected figure is computed below from what the test did (each client's credits and reversals, written
next to the call that made them), never read back from the code under test.
"""
from datetime import UTC, datetime

import pytest

from conftest import prepared_fixtures
from salon_setup import add_item, add_reward, balance, give_points, new_client, sell, set_program


def at(clock, year, month, day, hour=10):
    clock.set(datetime(year, month, day, hour, tzinfo=UTC))


def redeem_and_pay(api, client_id, reward_id):
    sale = sell(api, client_id, ("CUT", 1, "40.00"), pay=False)
    held = api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward_id})
    return api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": held["due"], "method": "card"})


def build_year(app, api, clock):
    """A year of a chain's clients; `expected` holds each one's lifetime points as the test gave them."""
    set_program(api, points_per_unit="1", validity_months=12, referrer_bonus=30, welcome_bonus=10)
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    big = add_reward(api, "10 € off", 100)
    small = add_reward(api, "Brushing offert", 50)
    lifetime = {}

    at(clock, 2025, 10, 10)
    paul = new_client(api, "Paul", "Durand")
    sell(api, paul["id"], ("CUT", 1, "40.00"))  # +40, expires 2026-10-10: gone by today
    at(clock, 2025, 12, 5)
    sell(api, paul["id"], ("CUT", 1, "40.00"))  # +40, expires 2026-12-05: within the next 30 days
    lifetime["Paul"] = 80

    at(clock, 2026, 6, 15)
    eloise = new_client(api, "Éloïse", "Müller-Ñúñez", email="eloise@example.com")
    give_points(api, eloise["id"], 200)  # +200 by hand
    sell(api, eloise["id"], ("CUT", 1, "40.00"))  # +40

    at(clock, 2026, 9, 10)
    zoe = new_client(api, "Zoë", "Martin", referred_by=eloise["referral_code"])
    sell(api, zoe["id"], ("CUT", 1, "40.00"))  # Zoë +40 +10 welcome; Éloïse +30 referral
    at(clock, 2026, 10, 5)
    paid = redeem_and_pay(api, zoe["id"], small["id"])  # Zoë -50 redeemed, +30 on the 30.00 paid
    assert (paid["points_redeemed"], paid["points_earned"]) == (50, 30)
    at(clock, 2026, 11, 1)
    paid = redeem_and_pay(api, eloise["id"], big["id"])  # Éloïse -100 redeemed, +30
    assert (paid["points_redeemed"], paid["points_earned"]) == (100, 30)
    lifetime["Éloïse"] = 200 + 40 + 30 + 30

    at(clock, 2026, 11, 15)
    give_points(api, zoe["id"], -5, "Double entry")  # a reversal by hand
    lifetime["Zoë"] = 40 + 10 + 30 - 5
    nina = new_client(api, "Nina", "Bernard")  # before Ægir: their tie is broken by name, not by id
    aegir = new_client(api, "Ægir", "Olsen", referred_by=eloise["referral_code"])  # referred, never came
    lifetime["Ægir"] = 0

    at(clock, 2026, 11, 20)
    refunded = sell(api, nina["id"], ("CUT", 1, "40.00"))  # +40 ...
    api.ok("POST", f"/sales/{refunded['sale']['id']}/refund", as_="manager")  # ... -40 reversed
    lifetime["Nina"] = 0

    at(clock, 2026, 11, 22)
    gone = new_client(api, "Xavier", "Secret")
    give_points(api, gone["id"], 70)
    lifetime["Xavier"] = 70
    with app.app_context():  # erased (the erasure itself is another call's business): counted, never named
        from pos_loyalty.extensions import db
        from pos_loyalty.models import Client

        db.session.get(Client, gone["id"]).erased_at = clock()
        db.session.commit()
    held = sell(api, eloise["id"], ("CUT", 1, "40.00"), pay=False)
    api.ok("POST", f"/sales/{held['id']}/redemptions", {"reward_id": small["id"]})  # held: not redeemed
    clients = {"Paul": paul, "Éloïse": eloise, "Zoë": zoe, "Ægir": aegir, "Nina": nina, "Xavier": gone}
    return {"clients": clients, "lifetime": lifetime, "big": big, "small": small}


# Made once per module and backend; each test that uses it has a copy of its database (conftest.Prepared).
prepared, database_url, clock, api, year = prepared_fixtures(build_year, "year")


def names(items):
    return [item["name"].split()[0] for item in items]


def test_the_figures_are_what_the_year_did(api, year):
    figures = api.ok("GET", "/reports/loyalty", as_="manager")
    lifetime = year["lifetime"]
    assert figures["points_distributed"] == sum(lifetime.values()) == 525
    # A positive balance today or a paid sale within 12 months: Éloïse, Zoë, Paul (40 left), Nina (her
    # refunded visit), Xavier (erased, still counted); not Ægir.
    assert figures["active_members"] == 5
    assert figures["referrals"] == 2  # Zoë and Ægir have a referrer
    assert figures["rewards_redeemed"] == 2  # Zoë's and Éloïse's; the one held on an open sale is not
    assert figures["points_expiring_30_days"] == 40  # Paul's lot of 2025-12-05
    assert figures["clients_with_points_expiring_30_days"] == 1
    assert figures["clients"] == 6
    assert names(figures["top"]) == ["Éloïse", "Paul", "Zoë"]
    top = figures["top"][0]
    assert (top["rank"], top["lifetime_points"], top["balance"], top["referrals"], top["rewards_redeemed"]) == (
        1, lifetime["Éloïse"], 200, 2, 1)
    assert top["last_visit"] == "2026-11-01T11:00:00+01:00"  # the salon's time, as the ledger gives it
    assert [(r["name"], r["times"], r["points"]) for r in figures["popular_rewards"]] == [
        ("10 € off", 1, 100), ("Brushing offert", 1, 50)]
    months = {m["month"]: (m["earned"], m["redeemed"]) for m in figures["months"]}
    assert list(months) == ["2025-12"] + [f"2026-{n:02d}" for n in range(1, 12)]  # 2025-10 is too old
    assert months["2025-12"] == (40, 0)
    assert months["2026-06"] == (240, 0)
    assert months["2026-09"] == (80, 0)
    assert months["2026-10"] == (30, 50)
    assert months["2026-11"] == (30 + 40 + 70, 100)  # credits only: Nina's reversal is not a month's earning
    assert sum(earned for earned, _r in months.values()) == 40 + 240 + 80 + 30 + 140


def test_the_ranking_is_best_first_and_never_names_the_erased(api, year):
    page = api.ok("GET", "/reports/ranking", as_="manager")
    assert names(page["items"]) == ["Éloïse", "Paul", "Zoë", "Ægir", "Nina"]  # ties by name: Ægir (ae) < Nina
    assert page["next"] is None
    assert [item["rank"] for item in page["items"]] == [1, 2, 3, 4, 5]
    for item in page["items"]:
        first = item["name"].split()[0]
        assert item["lifetime_points"] == year["lifetime"][first]
        assert item["balance"] == balance(api, item["client_id"])
    paul = page["items"][1]
    assert (paul["balance"], paul["last_visit"]) == (40, "2025-12-05T11:00:00+01:00")
    assert all("Xavier" not in item["name"] for item in page["items"])


FILTERS = [
    ({"min_points": 80}, ["Éloïse", "Paul"]),
    ({"min_points": "81"}, ["Éloïse"]),
    ({"has_referrals": "true"}, ["Éloïse"]),
    ({"has_referrals": "false"}, ["Paul", "Zoë", "Ægir", "Nina"]),
    ({"has_rewards": "true"}, ["Éloïse", "Zoë"]),
    ({"has_rewards": "false"}, ["Paul", "Ægir", "Nina"]),
    ({"q": "eloise"}, ["Éloïse"]),
    ({"q": "MULLER nunez"}, ["Éloïse"]),
    ({"q": "zoe"}, ["Zoë"]),
    ({"q": "Ægir"}, ["Ægir"]),
    ({"q": "xavier"}, []),
    ({"has_rewards": "false", "min_points": 1}, ["Paul"]),
]


def test_each_filter(api, year):
    for query, expected in FILTERS:  # one year built for all of them
        page = api.ok("GET", "/reports/ranking", query=query, as_="manager")
        assert names(page["items"]) == expected, query


def test_a_filtered_client_keeps_their_place_among_all(api, year):
    page = api.ok("GET", "/reports/ranking", query={"has_rewards": "false"}, as_="manager")
    assert [item["rank"] for item in page["items"]] == [2, 4, 5]


def test_pages_follow_each_other_without_gap_or_repeat(api, year):
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.ok("GET", "/reports/ranking", query=query, as_="manager")
        seen += names(page["items"])
        pages += 1
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == ["Éloïse", "Paul", "Zoë", "Ægir", "Nina"] and pages == 3
    filtered = api.ok("GET", "/reports/ranking", query={"limit": 1, "has_referrals": "false"}, as_="manager")
    following = api.ok("GET", "/reports/ranking", as_="manager",
                       query={"limit": 1, "has_referrals": "false", "cursor": filtered["next"]})
    assert names(filtered["items"] + following["items"]) == ["Paul", "Zoë"]


@pytest.mark.parametrize("query", [
    {"min_points": "-1"}, {"min_points": "many"}, {"has_referrals": "maybe"}, {"has_rewards": "2"},
    {"q": "x" * 81}, {"cursor": "nope"}, {"limit": "0"}, {"sort": "name"},
])
def test_a_bad_filter_is_a_422_with_the_error_body(api, query):
    code, body = api.call("GET", "/reports/ranking", query=query, as_="manager")
    assert code == 422, (query, code, body)
    assert body["error"]["code"] and body["error"]["message"]


def test_managers_only(api):
    for path in ("/reports/loyalty", "/reports/ranking", "/reports/clients.csv"):
        code, body = api.call("GET", path, as_="till")
        assert code == 403 and body["error"]["code"] == "forbidden", path


def test_an_empty_chain_answers_zeros(api):
    figures = api.ok("GET", "/reports/loyalty", as_="manager")
    assert (figures["active_members"], figures["points_distributed"], figures["referrals"],
            figures["rewards_redeemed"], figures["points_expiring_30_days"]) == (0, 0, 0, 0, 0)
    assert figures["top"] == [] and figures["popular_rewards"] == [] and len(figures["months"]) == 12
    assert api.ok("GET", "/reports/ranking", as_="manager") == {"items": [], "next": None}


def test_an_erasure_leaves_the_totals_and_takes_the_name_away(api, year):
    before = api.ok("GET", "/reports/loyalty", as_="manager")
    zoe = year["clients"]["Zoë"]
    api.ok("DELETE", f"/clients/{zoe['id']}", as_="manager")
    after = api.ok("GET", "/reports/loyalty", as_="manager")
    totals = ("active_members", "points_distributed", "referrals", "rewards_redeemed", "points_expiring_30_days",
              "clients", "months", "popular_rewards")
    assert {key: after[key] for key in totals} == {key: before[key] for key in totals}
    assert names(after["top"]) == ["Éloïse", "Paul", "Ægir"]  # Zoë's place goes to the next client
    ranking = api.ok("GET", "/reports/ranking", as_="manager")["items"]
    assert zoe["id"] not in [item["client_id"] for item in ranking]
    assert ranking[0]["referrals"] == 2  # Éloïse still referred two clients
    body = api.http.get("/api/v1/reports/clients.csv",
                        headers={"Authorization": f"Bearer {api.tokens['manager']}"}).get_data(as_text=True)
    assert "Zoë" not in body and f"\r\n{zoe['id']}," not in body
