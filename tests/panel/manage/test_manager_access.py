"""Who may open the back office: walked from the app's URL map and the OpenAPI document, so that a page or a
call added tomorrow is checked without editing this file.

- every rule under /manage and /devices, every method: a cashier's session gets 403 (its POSTs carry a
  valid CSRF token, so the 403 is the role check, not CSRF), an anonymous visitor is sent to the login page,
  a manager gets neither;
- every operation the document marks as manager-only (it lists a 403 answer; api/document.py writes it from
  the view's required role, and tests/test_api_roles.py's table must agree): a till token gets 403, no token
  401, a manager token neither.
"""
import re

import pytest

from salon_setup import add_item, add_reward, add_rule, give_points, new_client, sell
from tests.panel.logins import csrf_of, log_in
from test_api_roles import CALLS, MANAGER

pytestmark = pytest.mark.sqlite_only

PREFIXES = ("/manage", "/devices")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def world(app, api, staff) -> dict:
    """One of everything a manager's address names, the ids by the address's parameter name. Objects a
    manager's POST may retire or revoke are the walk's own (Zoé, the walk's token and device), never the
    signed-in manager or the tokens the walk uses."""
    item = add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    rule = add_rule(api, kind="category", category="cut", points=10)
    reward = add_reward(api, "10 € off", 100)
    client = new_client(api, "Léa", "Bernard")
    give_points(api, client["id"], 300)
    paid = sell(api, client["id"], ("CUT", 1, "40.00"))
    with app.app_context():
        from pos_loyalty.models import Staff
        from pos_loyalty.extensions import db
        from pos_loyalty.services.staff import add_staff, create_token
        from pos_loyalty.services.till_devices import bind_device

        zoe = add_staff("Zoé", "cashier", "4321")
        token, _secret = create_token("till", "walk-till", "till-1")
        isabelle = db.session.query(Staff).filter_by(name="Isabelle").one()
        device, _key = bind_device(isabelle, "till-1")
        from pos_loyalty.models import BackgroundJob
        from pos_loyalty.runtime import runtime

        job = BackgroundJob(salon_id=isabelle.salon_id, kind="recalculate", status="done", parameters={"period": "3m"},
                            result={"sales": 1}, created_by="Isabelle", created_at=runtime().now())
        db.session.add(job)
        from pos_loyalty.models import OutboxMail

        mail = OutboxMail(salon_id=isabelle.salon_id, client_id=client["id"], kind="points_expiring",
                          dedupe_key="walk", to_address="lea@example.com", subject="s", text_body="t", html_body="h",
                          status="failed", attempts=6, last_error="walk", created_at=runtime().now())
        db.session.add(mail)
        from pos_loyalty.models import RewardGrant

        code = RewardGrant(client_id=client["id"], reward_id=reward["id"], name="10 € off", kind="amount_off",
                           value="10.00", reason="walk", granted_by="walk", granted_at=runtime().now(),
                           status="available", source="milestone", code="WALKAB")
        db.session.add(code)
        db.session.commit()
        ids = {"staff_id": zoe.id, "token_id": token.id, "device_id": device.id, "job_id": job.id,
               "mail_id": mail.id, "grant_id": code.id}
    return {"item_id": item["id"], "rule_id": rule["id"], "reward_id": reward["id"], "client_id": client["id"],
            "sale_id": paid["sale"]["id"], "kind": "service", "category_code": "cut", "till_code": "till-1", **ids}


def argument(path: str, name: str, world: dict):
    """The existing object a path parameter names; `code` is a till's or a category's, by the address."""
    if name == "code":
        name = "category_code" if "/categories/" in path else "till_code"
    if name not in world:
        pytest.fail(f"{path}: no object for <{name}> in the walk's world; add one to `world`")
    return world[name]


def manager_pages(app, world: dict) -> list[tuple[str, str]]:
    """(method, concrete path) for every rule under /manage and /devices, GETs first (a manager's POSTs may
    retire what a later GET reads)."""
    pages = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIXES):
            continue
        path = rule.build({name: argument(rule.rule, name, world) for name in rule.arguments}, append_unknown=False)[1]
        pages += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return sorted(set(pages), key=lambda page: (page[0] in WRITES, page[1], page[0]))


def api_manager_calls(client, world: dict) -> list[tuple[str, str, str]]:
    """(method, documented path, concrete path) for every operation the document answers 403 to a till."""
    document = client.get("/api/v1/openapi.json").get_json()
    calls = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete") and "403" in operation["responses"]:
                concrete = re.sub(r"\{(\w+)\}", lambda match: str(argument(path, match.group(1), world)), path)
                calls.append((method.upper(), path.removeprefix("/api/v1"), concrete.removeprefix("/api/v1")))
    return sorted(calls, key=lambda call: (call[0] in WRITES, call[2], call[0]))


def request(client, method: str, path: str, csrf: str | None):
    data = {"csrf_token": csrf} if csrf and method in WRITES else None
    return client.open(path, method=method, data=data)


def goes_to_login(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].split("?")[0].endswith("/login")


def test_the_walk_covers_every_back_office_page(app, world):
    from pos_loyalty.panel.manage import MENU

    walked = {path for _method, path in manager_pages(app, world)}
    for endpoint, _label in MENU:
        with app.test_request_context():
            from flask import url_for

            assert url_for(endpoint) in walked, endpoint
    assert any(path.startswith("/devices") for path in walked)


def test_a_cashier_gets_403_on_every_manager_page_and_post(app, client, world):
    log_in(client, "Camille", "1234")
    checkout = client.get("/")
    assert checkout.status_code == 200  # signed in at the till
    csrf = csrf_of(checkout.get_data(as_text=True))
    wrong = []
    for method, path in manager_pages(app, world):
        response = request(client, method, path, csrf)
        if response.status_code != 403:
            wrong.append((method, path, response.status_code))
    assert wrong == [], "a cashier reached these manager pages"
    assert client.get("/").status_code == 200  # still signed in: every 403 above was the role's


def test_an_anonymous_visitor_is_sent_to_the_login_page(app, client, world):
    csrf = csrf_of(client.get("/login").get_data(as_text=True))  # a real token: the redirect is the login's
    wrong = []
    for method, path in manager_pages(app, world):
        response = request(client, method, path, csrf)
        if not goes_to_login(response):
            wrong.append((method, path, response.status_code, response.headers.get("Location")))
    assert wrong == []


def test_a_manager_gets_neither_the_403_nor_the_login_page(app, manager, world):
    csrf = csrf_of(manager.get("/manage/").get_data(as_text=True))
    wrong = []
    for method, path in manager_pages(app, world):
        response = request(manager, method, path, csrf)
        if response.status_code in (401, 403) or goes_to_login(response) or response.status_code >= 500:
            wrong.append((method, path, response.status_code))
    assert wrong == []


def test_the_documents_manager_calls_are_the_contracts(client, world):
    documented = {(method, path) for method, path, _concrete in api_manager_calls(client, world)}
    assert documented, "the document marks no call as manager-only"
    for key, call in CALLS.items():  # tests/test_api_roles.py's table, where it knows the call
        assert (key in documented) == (call[0] == MANAGER), key


def test_a_till_token_gets_403_and_no_token_401_on_every_manager_call(api, world):
    wrong = []
    for method, _documented, path in api_manager_calls(api.http, world):
        body = {} if method in WRITES else None
        code, answer = api.call(method, path, body, as_="till")
        if code != 403 or answer["error"]["code"] != "forbidden":
            wrong.append((method, path, "till", code))
        code, answer = api.call(method, path, body, as_=None)
        if code != 401 or answer["error"]["code"] != "unauthorized":
            wrong.append((method, path, "anonymous", code))
    assert wrong == []


def test_a_manager_token_gets_neither(api, world):
    wrong = []
    for method, _documented, path in api_manager_calls(api.http, world):
        code, _answer = api.call(method, path, {} if method in WRITES else None, as_="manager")
        if code in (401, 403) or code >= 500:
            wrong.append((method, path, code))
    assert wrong == []
