"""Tokens and roles on every endpoint, enumerated from the OpenAPI document so none is forgotten.

Each documented call is made once with a till token and once with a manager token, on a salon that has
everything the call names (a rule, a reward, a client, open, held and paid sales), with a body the call
accepts: the answer must be exactly the one expected. A till on a manager call gets 403 with the error body;
anything else gets what the call does when it works (never a 5xx, never a refusal that hides a broken call).
"""
import re

import pytest

from conftest import prepared_fixtures
from salon_setup import add_item, add_reward, add_rule, give_points, new_client

TILL, MANAGER = "till", "manager"
REPORT_PERIOD = {"from": "2026-01-01", "to": "2026-12-31"}

# (method, documented path) -> (the role the call needs, the path filled from the world, body, query, status)
CALLS = {
    ("GET", "/program"): (TILL, "/program", None, None, 200),
    ("PATCH", "/program"): (MANAGER, "/program", {"welcome_bonus": 5}, None, 200),
    ("POST", "/program/preview"): (MANAGER, "/program/preview", {"changes": {"points_per_unit": "2"}, "months": 6},
                                   None, 200),
    ("GET", "/program/versions"): (MANAGER, "/program/versions", None, None, 200),
    ("GET", "/audit"): (MANAGER, "/audit", None, None, 200),
    ("GET", "/mail/outbox"): (MANAGER, "/mail/outbox", None, {"status": "failed"}, 200),
    ("POST", "/mail/outbox/{mail_id}/retry"): (MANAGER, "/mail/outbox/999999/retry", None, None, 404),  # no such mail
    ("GET", "/rules"): (MANAGER, "/rules", None, None, 200),
    ("POST", "/rules"): (MANAGER, "/rules", {"kind": "category", "category": "colour", "points": 5}, None, 201),
    ("GET", "/rules/{rule_id}"): (MANAGER, "/rules/{rule}", None, None, 200),
    ("PATCH", "/rules/{rule_id}"): (MANAGER, "/rules/{rule}", {"active": False}, None, 200),
    ("DELETE", "/rules/{rule_id}"): (MANAGER, "/rules/{rule}", None, None, 204),
    ("GET", "/rewards"): (MANAGER, "/rewards", None, None, 200),
    ("POST", "/rewards"): (MANAGER, "/rewards", {"name": "Soin offert", "kind": "free_item", "value": "CUT",
                                                 "points_cost": 300}, None, 201),
    ("GET", "/rewards/{reward_id}"): (MANAGER, "/rewards/{reward}", None, None, 200),
    ("PATCH", "/rewards/{reward_id}"): (MANAGER, "/rewards/{reward}", {"points_cost": 120}, None, 200),
    ("DELETE", "/rewards/{reward_id}"): (MANAGER, "/rewards/{reward}", None, None, 204),
    ("GET", "/rewards/clients-past"): (MANAGER, "/rewards/clients-past", None, {"points_cost": "100"}, 200),
    ("GET", "/rewards/{reward_id}/clients-past"): (MANAGER, "/rewards/{reward}/clients-past", None, None, 200),
    ("POST", "/rewards/{reward_id}/issue-to-clients-past"): (MANAGER, "/rewards/{reward}/issue-to-clients-past",
                                                             None, None, 409),  # this world is in redeem mode
    ("GET", "/clients/{client_id}/codes"): (TILL, "/clients/{client}/codes", None, None, 200),
    ("POST", "/clients/{client_id}/codes/{code}/void"): (MANAGER, "/clients/{client}/codes/ZZZZZZ/void", None, None,
                                                         404),  # no such code
    ("GET", "/catalogue"): (TILL, "/catalogue", None, None, 200),
    ("POST", "/catalogue"): (MANAGER, "/catalogue", {"code": "GLOSS", "name": "Gloss", "kind": "service",
                                                     "category": "colour", "price": "30.00"}, None, 201),
    ("PATCH", "/catalogue/{item_id}"): (MANAGER, "/catalogue/{item}", {"price": "45.00"}, None, 200),
    ("GET", "/catalogue/categories"): (TILL, "/catalogue/categories", None, None, 200),
    ("PUT", "/catalogue/categories/{code}"): (MANAGER, "/catalogue/categories/cut", {"display_name": "Coupe"},
                                              None, 200),
    ("POST", "/clients"): (TILL, "/clients", {"first_name": "Zoé", "last_name": "Perrin"}, None, 201),
    ("GET", "/clients"): (TILL, "/clients", None, {"q": "Bernard"}, 200),
    ("GET", "/clients/{client_id}"): (TILL, "/clients/{client}", None, None, 200),
    ("PATCH", "/clients/{client_id}"): (TILL, "/clients/{client}", {"phone": "+33 6 12 34 56 78"}, None, 200),
    ("GET", "/clients/{client_id}/loyalty"): (TILL, "/clients/{client}/loyalty", None, None, 200),
    ("GET", "/clients/{client_id}/rewards"): (TILL, "/clients/{client}/rewards", None, None, 200),
    ("POST", "/clients/{client_id}/rewards"): (MANAGER, "/clients/{client}/rewards",
                                               {"reward_id": "{reward}", "reason": "Contest"}, None, 201),
    ("GET", "/clients/{client_id}/ledger"): (TILL, "/clients/{client}/ledger", None, None, 200),
    ("POST", "/clients/{client_id}/adjustments"): (MANAGER, "/clients/{client}/adjustments",
                                                   {"points": 10, "reason": "Goodwill"}, None, 201),
    ("GET", "/clients/{client_id}/export"): (MANAGER, "/clients/{client}/export", None, None, 200),
    ("DELETE", "/clients/{client_id}"): (MANAGER, "/clients/{other_client}", None, None, 200),  # no open sale
    ("POST", "/sales"): (TILL, "/sales", {"client_id": "{client}", "lines": [{"code": "CUT", "quantity": 1}]},
                         None, 201),
    ("GET", "/sales/{sale_id}"): (TILL, "/sales/{open_sale}", None, None, 200),
    ("PUT", "/sales/{sale_id}/client"): (TILL, "/sales/{open_sale}/client", {"client_id": "{other_client}"},
                                         None, 200),
    ("POST", "/sales/{sale_id}/redemptions"): (TILL, "/sales/{open_sale}/redemptions", {"reward_id": "{reward}"},
                                               None, 201),
    ("DELETE", "/sales/{sale_id}/redemptions/{redemption_id}"): (
        TILL, "/sales/{held_sale}/redemptions/{redemption}", None, None, 200),
    ("POST", "/sales/{sale_id}/payments"): (TILL, "/sales/{open_sale}/payments",
                                            {"amount": "20.00", "method": "card"}, None, 201),
    ("POST", "/sales/{sale_id}/cancel"): (TILL, "/sales/{held_sale}/cancel", None, None, 200),
    ("POST", "/sales/{sale_id}/refund"): (MANAGER, "/sales/{paid_sale}/refund", None, None, 200),
    ("GET", "/sales/{sale_id}/receipt"): (TILL, "/sales/{paid_sale}/receipt", None, {"format": "text"}, 200),
    ("POST", "/sales/{sale_id}/lines"): (TILL, "/sales/{open_sale}/lines", {"code": "CUT", "quantity": 1},
                                         None, 201),
    ("DELETE", "/sales/{sale_id}/lines/{position}"): (TILL, "/sales/{open_sale}/lines/{second_line}", None,
                                                          None, 200),
    ("POST", "/sales/{sale_id}/print"): (TILL, "/sales/{paid_sale}/print", None, None, 202),
    ("GET", "/sales/{sale_id}/print-jobs"): (TILL, "/sales/{paid_sale}/print-jobs", None, None, 200),
    ("GET", "/reports/salons"): (MANAGER, "/reports/salons", None, REPORT_PERIOD, 200),
    ("GET", "/reports/loyalty"): (MANAGER, "/reports/loyalty", None, None, 200),
    ("GET", "/reports/ranking"): (MANAGER, "/reports/ranking", None, {"has_rewards": "false"}, 200),
    ("GET", "/reports/clients.csv"): (MANAGER, "/reports/clients.csv", None, None, 200),
    ("GET", "/tills"): (MANAGER, "/tills", None, None, 200),
    ("PATCH", "/tills/{code}"): (MANAGER, "/tills/till-1", {"printer_width": 32}, None, 200),
}


def operations(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, methods in document["paths"].items():
        for method in methods:
            if method in ("get", "post", "put", "patch", "delete"):
                yield method.upper(), path.removeprefix("/api/v1")


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def build_world(app, api, clock) -> dict:
    """One of everything a call can name, made through the API; the ids by name."""
    item = add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    add_item(api, "BRUSH", "Brushing", "20.00", category="cut")
    api.ok("PATCH", "/tills/till-1", {"printer_url": "tcp://127.0.0.1:9100"}, as_="manager")  # queued, never sent
    rule = add_rule(api, kind="category", category="cut", points=10)
    reward = add_reward(api, "10 € off", 100)
    client = new_client(api, "Léa", "Bernard")
    other = new_client(api, "Marc", "Bernard")
    give_points(api, client["id"], 500)
    lines = [{"code": "CUT", "quantity": 1}, {"code": "BRUSH", "quantity": 1}]
    open_sale = api.ok("POST", "/sales", {"client_id": client["id"], "lines": lines})
    held_sale = api.ok("POST", "/sales", {"client_id": client["id"], "lines": lines})
    held = api.ok("POST", f"/sales/{held_sale['id']}/redemptions", {"reward_id": reward["id"]})
    paid_sale = api.ok("POST", "/sales", {"client_id": client["id"], "lines": lines})
    assert api.ok("POST", f"/sales/{paid_sale['id']}/payments",
                  {"amount": paid_sale["due"], "method": "card"})["status"] == "paid"
    return {"item": item["id"], "rule": rule["id"], "reward": reward["id"], "client": client["id"],
            "other_client": other["id"], "open_sale": open_sale["id"], "held_sale": held_sale["id"],
            "redemption": held["redemptions"][0]["id"], "paid_sale": paid_sale["id"],
            "second_line": open_sale["lines"][1]["position"]}


# Made once per module and backend; each test has a copy of its database (conftest.Prepared).
prepared, database_url, clock, api, world = prepared_fixtures(build_world, "world")


def filled(value, world: dict):
    """The call's path or body with the world's ids in place of "{name}"."""
    if isinstance(value, str):
        whole = re.fullmatch(r"\{(\w+)\}", value)
        if whole:
            return world[whole.group(1)]
        return re.sub(r"\{(\w+)\}", lambda match: str(world[match.group(1)]), value)
    if isinstance(value, dict):
        return {key: filled(item, world) for key, item in value.items()}
    if isinstance(value, list):
        return [filled(item, world) for item in value]
    return value


def test_every_documented_call_is_in_the_table(client):
    documented = set(operations(client))
    assert documented - set(CALLS) == set(), "add these calls to CALLS, with the role the contract gives them"
    assert set(CALLS) - documented == set(), "these calls are no longer documented"


def test_every_endpoint_needs_a_token(client):
    for method, path in operations(client):
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
            response = client.open("/api/v1" + concrete(path), method=method, json={}, headers=headers)
            assert response.status_code == 401, (method, path, headers)
            assert response.get_json()["error"]["code"] == "unauthorized"


# Roles are decided before any query: one database proves them (the salon walk runs on both).
@pytest.mark.sqlite_only
@pytest.mark.parametrize("method,path", sorted(CALLS))
def test_a_till_token_gets_exactly_what_its_role_allows(api, world, method, path):
    role, template, body, query, status = CALLS[method, path]
    code, answer = api.call(method, filled(template, world), filled(body, world), as_=TILL, query=query)
    if role == MANAGER:
        assert code == 403, (code, answer)
        assert answer["error"]["code"] == "forbidden" and answer["error"]["message"]
        assert answer["error"]["details"] == {}
    else:
        assert code == status, (code, answer)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("method,path", sorted(key for key, call in CALLS.items() if call[0] == MANAGER))
def test_a_manager_token_gets_what_the_call_does(api, world, method, path):
    _, template, body, query, status = CALLS[method, path]
    code, answer = api.call(method, filled(template, world), filled(body, world), as_=MANAGER, query=query)
    assert code == status, (code, answer)
