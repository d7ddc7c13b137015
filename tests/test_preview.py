"""POST /program/preview: the last 3, 6 or 12 months of sales priced with a change, without saving it.

The acceptance: the preview's figures equal a full recalculation of the same period under the changed rules.
Two databases hold the same year of sales; in one the sales earned under today's rules (the preview is asked
there), in the other they earned nothing. There the change is saved and the history recalculated sale by
sale through the ORM (the reference path of services/recalculation.py, not the batched loading the preview
shares with the batched path): what it credits is what the preview announced.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from conftest import START, ApiClient, make_tokens
from pos_loyalty import create_app
from pos_loyalty.clock import FrozenClock
from pos_loyalty.extensions import db
from pos_loyalty.services import recalculation
from pos_loyalty.services.context import active_rules, current_terms
from pos_loyalty.services.setup import ensure_salon
from salon_setup import add_item, add_reward, add_rule, give_points, new_client, sell, set_program

TODAY = datetime(2026, 11, 22, 9, 15, tzinfo=UTC)  # the conftest's START: Sunday, 10:15 in Paris
FIRST_DAY = datetime(2025, 10, 1, 10, 0, tzinfo=UTC)  # 14 months of history
RULES_TODAY = [{"kind": "service", "service_code": "CUT", "points": 10},
               {"kind": "multiplier", "factor": "2", "weekdays": [2], "description": "Mardi points doublés"}]
# The change previewed: twice the points per euro, CUT worth 15 instead of 10, a new colour rule, the Tuesday
# promotion kept, a discount code no longer stopping a sale from earning.
CHANGES = {"points_per_unit": "2", "discounted_sales_earn": True,
           "rules": [{"kind": "service", "service_code": "CUT", "points": 15},
                     {"kind": "multiplier", "factor": "2", "weekdays": [2], "description": "Mardi points doublés"},
                     {"kind": "category", "category": "colour", "points": 20}]}


@dataclass
class Salon:
    app: object
    api: ApiClient
    clock: FrozenClock


@pytest.fixture
def twins(app_config, database_pools, backend):
    """Two fresh databases of the backend, each a salon with its own clock."""
    pool, made = database_pools(backend), []
    for _ in range(2):
        url, clock = pool.fresh(), FrozenClock(START)
        app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url, "CLOCK": clock})
        with app.app_context():
            ensure_salon(name="Salon Étoile")
        made.append((url, Salon(app, ApiClient(app.test_client(), *make_tokens(app)), clock)))
    yield [salon for _, salon in made]
    for url, salon in made:
        with salon.app.app_context():
            db.engine.dispose()
        pool.drop(url)


def build_history(salon: Salon, earning: bool) -> list[dict]:
    """14 months of a salon's sales, the same in every database: services, colours and retail, a Tuesday now
    and then, rewards used, a discount code, a refund, a subscriber. `earning`: under today's rules (1 point
    per euro, CUT 10, Tuesday ×2); otherwise under a programme that gave nothing (0 per euro, no rules).
    Returns every sale made: {"id", "paid_at", "status"}."""
    api, clock = salon.api, salon.clock
    clock.set(FIRST_DAY)
    set_program(api, points_per_unit="1" if earning else "0", validity_months=12, products_earn=True,
                discounted_sales_earn=False, subscribers_earn=False)
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    add_item(api, "COL", "Couleur", "55.00", category="colour")
    add_item(api, "BAL", "Balayage", "120.00", category="colour")
    add_item(api, "SHAMP", "Shampooing", "18.90", kind="product", category="retail")
    if earning:
        for rule in RULES_TODAY:
            add_rule(api, **rule)
    reward = add_reward(api, "5 € off", 100, kind="amount_off", value="5.00")
    clients = [new_client(api, first, last)["id"] for first, last in
               (("Hélène", "Dupré"), ("Zoé", "Faure"), ("Marc", "Blanc"), ("Nina", "Garnier"))]
    clients.append(new_client(api, "Léa", "Petit", subscriber=True)["id"])
    baskets = [[("CUT", 1, "40.00")], [("COL", 1, "55.00"), ("SHAMP", 2, "18.90")], [("BAL", 1, "120.00")],
               [("CUT", 1, "40.00"), ("COL", 1, "55.00")], [("SHAMP", 1, "18.90")]]
    made = []
    day, number = FIRST_DAY, 0
    while day < TODAY - timedelta(days=1):
        client_id = clients[number % len(clients)]
        basket = baskets[number % len(baskets)]
        clock.set(day + timedelta(hours=number % 6))  # 10:00 to 15:00 UTC: never near a day's edge
        if number % 7 == 3:  # a reward used: the sale earns on what is paid
            give_points(api, client_id, 100)  # what it costs, in both databases
            sale = sell(api, client_id, *basket, pay=False)
            sale = api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward["id"]})
            api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": sale["due"], "method": "card"})
        elif number % 11 == 5:  # a discount code
            sale = sell(api, client_id, *basket, discount_code="AUTUMN", pay=False)
            api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": sale["due"], "method": "card"})
        else:
            sale = sell(api, client_id, *basket)["sale"]
        made.append({"id": sale["id"], "paid_at": clock(), "status": "paid", "client_id": client_id})
        if number == 40:
            api.ok("POST", f"/sales/{sale['id']}/refund", as_="manager")
            made[-1]["status"] = "refunded"
        number += 1
        day += timedelta(days=5 + number % 3)  # every weekday comes round, Tuesdays too
    clock.set(TODAY)
    return made


def automatic_points_in_ledger(api, client_ids, sale_ids) -> int:
    """The points of kinds earn, service and bonus the clients' histories show for these sales."""
    total = 0
    for client_id in client_ids:
        cursor = None
        while True:
            page = api.ok("GET", f"/clients/{client_id}/ledger", query={"limit": 200, **({"cursor": cursor} if cursor else {})})
            total += sum(entry["points"] for entry in page["items"]
                         if entry["kind"] in ("earn", "service", "bonus") and entry["sale_id"] in sale_ids)
            cursor = page["next"]
            if not cursor:
                break
    return total


def in_period(sales: list[dict], months: int) -> list[dict]:
    start = {3: date(2026, 8, 22), 6: date(2026, 5, 22), 12: date(2025, 11, 22)}[months]
    return [sale for sale in sales if sale["status"] == "paid" and sale["paid_at"].date() >= start]


def test_the_preview_equals_a_full_recalculation_of_the_period_under_the_changed_rules(twins):
    earned, unearned = twins
    sales = build_history(earned, earning=True)
    assert build_history(unearned, earning=False) == [{**sale} for sale in sales]  # the same sales, the same ids

    answer = earned.api.ok("POST", "/program/preview", {"changes": CHANGES, "months": 12}, as_="manager")
    period = in_period(sales, 12)
    period_ids = {sale["id"] for sale in period}
    assert answer["sales"] == len(period) > 40
    clients = sorted({sale["client_id"] for sale in sales})
    assert answer["points_actual"] == automatic_points_in_ledger(earned.api, clients, period_ids) > 0
    assert answer["points_with_changes"] > 2 * answer["points_actual"]  # more than double: the rules rose too

    # The change saved in the other database, whose sales earned nothing, and the period recalculated in full.
    set_program(unearned.api, points_per_unit="2", discounted_sales_earn=True)
    for rule in CHANGES["rules"]:
        add_rule(unearned.api, **rule)
    with unearned.app.app_context():
        credited = recalculation.recalculate_sale_by_sale(date(2025, 11, 22))
    assert answer["points_with_changes"] == credited
    assert automatic_points_in_ledger(unearned.api, clients, period_ids) == credited

    # The same change saved where the preview was asked: the recalculation's planning over every sale of
    # the period, with the rules now in force, agrees as well.
    set_program(earned.api, points_per_unit="2", discounted_sales_earn=True)
    rules = earned.api.ok("GET", "/rules", as_="manager")
    cut = next(rule for rule in rules if rule["kind"] == "service")
    earned.api.ok("PATCH", f"/rules/{cut['id']}", {"points": 15}, as_="manager")
    add_rule(earned.api, **CHANGES["rules"][2])
    with earned.app.app_context():
        start = datetime(2025, 11, 21, 23, 0, tzinfo=UTC)  # midnight in Paris
        pricing = recalculation.Pricing.of(current_terms(), active_rules(), TODAY)
        planned = sum(earning.points for batch in recalculation.plan_credits(recalculation.paid_since(start), start, pricing)
                      for credits in batch.credits.values() for credit in credits for earning in credit.earnings)
    assert planned == answer["points_with_changes"]
    # Now the change is in force, the preview without changes says the same figure.
    again = earned.api.ok("POST", "/program/preview", {"changes": {"enabled": True}, "months": 12}, as_="manager")
    assert again["points_with_changes"] == credited and again["points_actual"] == answer["points_actual"]


def test_a_shorter_period_counts_only_its_own_sales(app, api, clock):
    earned = Salon(app, api, clock)
    sales = build_history(earned, earning=True)
    clients = sorted({sale["client_id"] for sale in sales})
    for months in (3, 6):
        answer = earned.api.ok("POST", "/program/preview", {"changes": {"points_per_unit": "1"}, "months": months},
                               as_="manager")
        period = in_period(sales, months)
        assert answer["sales"] == len(period)
        actual = automatic_points_in_ledger(earned.api, clients, {sale["id"] for sale in period})
        # Nothing changes: the same sales earn under the same rules what they earned.
        assert answer["points_actual"] == answer["points_with_changes"] == actual


def test_clients_reaching_a_reward_now_and_with_the_change(app, api, clock):
    """A 100-point reward. Now only Zoé (150 points given) can take it; doubling the points per euro brings
    Hélène's 60 points of the period to 120. Marc's 40 become 80: still short. Nina holds 100 of her 120 on an
    open sale; Paul's 110 points expired (not yet swept): neither counts, then or now."""
    set_program(api, points_per_unit="1", validity_months=12)
    add_item(api, "COL", "Couleur", "60.00", category="colour")
    add_item(api, "CUT", "Coupe", "40.00", category="cut")
    add_item(api, "BAL", "Balayage", "110.00", category="colour")
    reward = add_reward(api, "5 € off", 100)
    helene, zoe, marc, nina, paul = (new_client(api, first, "Client")["id"]
                                     for first in ("Hélène", "Zoé", "Marc", "Nina", "Paul"))
    clock.set(START - timedelta(days=430))
    sell(api, paul, ("BAL", 1, "110.00"))  # 110 points, valid until a month ago
    clock.set(START - timedelta(days=20))
    sell(api, helene, ("COL", 1, "60.00"))
    sell(api, marc, ("CUT", 1, "40.00"))
    give_points(api, zoe, 150)
    give_points(api, nina, 120)
    held = sell(api, nina, ("CUT", 1, "40.00"), pay=False)
    api.ok("POST", f"/sales/{held['id']}/redemptions", {"reward_id": reward["id"]})
    clock.set(START)

    answer = api.ok("POST", "/program/preview", {"changes": {"points_per_unit": "2"}, "months": 3}, as_="manager")
    assert answer == {"sales": 2, "points_actual": 100, "points_with_changes": 200,
                      "clients_reaching_a_reward_now": 1, "clients_reaching_a_reward_with_changes": 2}
    off = api.ok("POST", "/program/preview", {"changes": {"enabled": False}, "months": 12}, as_="manager")
    assert off["points_with_changes"] == 0 and off["clients_reaching_a_reward_with_changes"] == 0
    assert off["clients_reaching_a_reward_now"] == 1
    rules = api.ok("POST", "/program/preview", {"changes": {"rules": [
        {"kind": "category", "category": "colour", "points": 40},
        {"kind": "service", "service_code": "CUT", "points": 5, "active": False}]}, "months": 3}, as_="manager")
    assert rules["points_with_changes"] == 100 + 40  # the paused rule counts for nothing
    assert rules["clients_reaching_a_reward_with_changes"] == 2  # Hélène: 60 + 40


def every_row(app) -> dict:
    with app.app_context():
        return {table.name: sorted(map(repr, db.session.execute(select(table)).all()))
                for table in db.metadata.sorted_tables}


def test_the_preview_changes_nothing(app, api, clock):
    add_item(api, "CUT", "Coupe", "40.00", category="cut")
    add_rule(api, kind="service", service_code="CUT", points=10)
    add_reward(api, "5 € off", 100)
    client = new_client(api, "Hélène", "Dupré")
    clock.set(START - timedelta(days=400))
    sell(api, client["id"], ("CUT", 1, "40.00"))  # points long expired, not yet swept: the preview leaves them
    clock.set(START - timedelta(days=3))
    sell(api, client["id"], ("CUT", 2, "40.00"))
    clock.set(START)
    before = every_row(app)
    assert before["ledger_entries"] and before["program_versions"]
    api.ok("POST", "/program/preview", {"changes": CHANGES, "months": 12}, as_="manager",
           headers={"Idempotency-Key": "what-if-1"})  # not a write: no answer kept for a replay either
    api.ok("POST", "/program/preview", {"changes": {"enabled": False}, "months": 3}, as_="manager")
    assert every_row(app) == before
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM idempotency_records")).scalar() == 0


@pytest.mark.sqlite_only  # refused before any query: one database proves it
@pytest.mark.parametrize("body, field", [
    ({"changes": {"points_per_unit": "2"}, "months": 1}, "months"),
    ({"changes": {"points_per_unit": "2"}, "months": 24}, "months"),
    ({"changes": {"points_per_unit": "2"}, "months": "6"}, "months"),
    ({"changes": {"points_per_unit": "2"}}, "months"),
    ({"changes": {"points_per_unit": "-1"}, "months": 6}, "changes"),
    ({"changes": {"points_per_day": "2"}, "months": 6}, "changes"),
    ({"changes": {}, "months": 6}, "changes"),
    ({"changes": {"rules": [{"kind": "service", "service_code": "CUT"}]}, "months": 6}, "changes"),
    ({"changes": {"rules": [{"kind": "horoscope", "points": 3}]}, "months": 6}, "changes"),
    ({"changes": {"rules": [{"kind": "multiplier", "factor": "2", "starts_on": "2026-05-02",
                             "ends_on": "2026-05-01"}]}, "months": 6}, "changes"),
    ({"months": 6}, "changes"),
    ({"changes": {"enabled": True}, "months": 6, "salon": 2}, "salon"),
])
def test_bad_bodies_are_refused_with_the_error_body(app, api, body, field):
    before = every_row(app)
    code, answer = api.call("POST", "/program/preview", body, as_="manager")
    assert code == 422, answer
    assert answer["error"]["code"] == "validation_error" and answer["error"]["message"]
    assert list(answer["error"]["details"]) == [field], answer
    assert every_row(app) == before


def test_the_refusals_name_the_rule_and_its_field(api):
    code, answer = api.call("POST", "/program/preview", {"changes": {"rules": [
        {"kind": "service", "service_code": "CUT", "points": 10},
        {"kind": "multiplier", "factor": "0"}]}, "months": 6}, as_="manager")
    assert code == 422
    assert list(answer["error"]["details"]["changes"]["rules"]) == ["1"]
    assert "factor" in answer["error"]["details"]["changes"]["rules"]["1"]
    code, answer = api.call("POST", "/program/preview", {"changes": {"rules": [
        {"kind": "service", "service_code": "CUT", "points": 10},
        {"kind": "service", "service_code": "cut", "points": 20}]}, "months": 6}, as_="manager")
    assert code == 409 and answer["error"]["code"] == "rule_exists"


@pytest.mark.sqlite_only
def test_a_till_token_and_a_cashier_are_refused(app, api, client):
    code, answer = api.call("POST", "/program/preview", {"changes": {"points_per_unit": "2"}, "months": 6},
                            as_="till")
    assert code == 403 and answer["error"]["code"] == "forbidden"
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Camille", "cashier", "1234")
    from tests.panel.logins import csrf_of, log_in

    log_in(client, "Camille", "1234")
    page = client.get("/").get_data(as_text=True)
    response = client.post("/manage/preview", data={"csrf_token": csrf_of(page), "months": "6",
                                                    "points_per_unit": "2"})
    assert response.status_code == 403



def test_a_salon_previews_its_own_sales_on_the_chains_balances(app, api, client, clock):
    """Lyon's manager sees Lyon's sales only (a salon's sales are its own); the clients and their points are
    the chain's, so Hélène, who earned in Paris, counts among those able to take a reward."""
    with app.app_context():
        from pos_loyalty.services.setup import add_salon
        from pos_loyalty.services.staff import create_token

        add_salon("lyon", "Salon Étoile Lyon", timezone="Europe/Paris", locale="fr_FR")
        lyon = ApiClient(client, create_token("till", "lyon-till", "till-1", salon_code="lyon")[1],
                         create_token("manager", "lyon-manager", salon_code="lyon")[1])
    add_item(api, "CUT", "Coupe femme", "120.00", category="cut")
    add_item(lyon, "CUT-LYON", "Coupe femme (Lyon)", "30.00", category="cut")
    add_reward(api, "10 € off", 100)
    helene = new_client(api, "Hélène", "Dupré")["id"]
    clock.set(START - timedelta(days=10))
    sell(api, helene, ("CUT", 1, "120.00"))
    sell(lyon, helene, ("CUT-LYON", 1, "30.00"))
    clock.set(START)
    paris_answer = api.ok("POST", "/program/preview", {"changes": {"points_per_unit": "2"}, "months": 3}, as_="manager")
    lyon_answer = lyon.ok("POST", "/program/preview", {"changes": {"points_per_unit": "2"}, "months": 3}, as_="manager")
    assert (paris_answer["sales"], paris_answer["points_actual"], paris_answer["points_with_changes"]) == (1, 120, 240)
    assert (lyon_answer["sales"], lyon_answer["points_actual"], lyon_answer["points_with_changes"]) == (1, 30, 60)
    assert lyon_answer["clients_reaching_a_reward_now"] == paris_answer["clients_reaching_a_reward_now"] == 1


@pytest.mark.sqlite_only
def test_the_document_says_what_the_body_takes(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/program/preview"]["post"]
    body = document["components"]["schemas"][operation["requestBody"]["content"]["application/json"]["schema"]
                                             ["$ref"].rsplit("/", 1)[1]]
    assert body["properties"]["months"]["enum"] == [3, 6, 12] and body["required"] == ["changes", "months"]
    changes = document["components"]["schemas"][body["properties"]["changes"]["$ref"].rsplit("/", 1)[1]]
    assert changes["minProperties"] == 1 and changes["additionalProperties"] is False
    assert changes["properties"]["rules"]["items"] == {"$ref": "#/components/schemas/RuleIn"}  # one of the kinds
    assert "points_per_unit" in changes["properties"] and "required" not in changes
    assert set(document["components"]["schemas"]["PreviewOut"]["properties"]) == {
        "sales", "points_actual", "points_with_changes", "clients_reaching_a_reward_now",
        "clients_reaching_a_reward_with_changes"}
