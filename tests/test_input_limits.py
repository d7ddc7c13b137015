"""Input that reached a 500 (issue 9), each now a 4xx with the error body that changes nothing, on SQLite and
PostgreSQL: JSON nested 1,000 deep, a lone surrogate, a NUL, points beyond 32 bits (a sale refused up front,
and the largest sale allowed paid in full); and the document and the answers agree (details an object, 405
with Allow, an empty PATCH refused on every PATCH the document lists)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from pos_loyalty.extensions import db
from pos_loyalty.models import Client
from salon_setup import add_item, new_client, set_program
from test_api_validation import snapshot

JSON = {"Content-Type": "application/json"}
# The maxima README's API section documents.
MAX_MONEY, MAX_POINTS, MAX_QUANTITY, MAX_SALE_POINTS = "10000000.00", 1_000_000_000, 999, 1_000_000_000


def refused(api, app, method: str, path: str, status: int, *, raw: bytes | None = None, json=None, as_="till",
            headers: dict | None = None, query: dict | None = None) -> dict:
    """The request answers `status` with the error body and leaves every table as it was."""
    before = snapshot(app)
    all_headers = {"Authorization": f"Bearer {api.tokens[as_]}", **(headers or {})}
    response = api.http.open("/api/v1" + path, method=method, data=raw, json=json, headers=all_headers,
                             query_string=query)
    answer = response.get_json(silent=True)
    assert response.status_code == status, (response.status_code, answer)
    assert set(answer) == {"error"} and set(answer["error"]) == {"code", "message", "details"}, answer
    assert isinstance(answer["error"]["details"], dict), answer
    assert answer["error"]["message"]
    assert snapshot(app) == before
    return answer["error"]


def nested(depth: int) -> bytes:
    return ('{"lines": ' + "[" * depth + "]" * depth + "}").encode()


def test_json_nested_1000_deep_is_a_400(api, app):
    error = refused(api, app, "POST", "/sales", 400, raw=nested(1000), headers=JSON)
    assert error["code"] == "json_too_deep"
    refused(api, app, "POST", "/clients", 400, raw=b"[" * 100_000, headers=JSON)  # unclosed, deeper still


def test_json_at_the_depth_limit_reaches_the_schema(api, app):
    """32 levels are read (the schema refuses the shape, 422); 33 are not."""
    assert refused(api, app, "POST", "/sales", 422, raw=nested(31), headers=JSON)["code"] == "validation_error"
    assert refused(api, app, "POST", "/sales", 400, raw=nested(32), headers=JSON)["code"] == "json_too_deep"


def test_brackets_inside_strings_do_not_count_as_depth(api, app):
    body = ('{"first_name": "' + "[{" * 500 + '", "last_name": "B"}').encode()
    assert refused(api, app, "POST", "/clients", 422, raw=body, headers=JSON)["details"]["first_name"]


def test_invalid_json_and_other_media_types(api, app):
    error = refused(api, app, "POST", "/sales", 400, raw=b'{"lines": [', headers=JSON)
    assert error["code"] == "invalid_json" and error["details"] == {"_schema": [error["message"]]}
    assert refused(api, app, "POST", "/sales", 400, raw=b'{"a": "\xff"}', headers=JSON)["code"] == "invalid_json"
    error = refused(api, app, "POST", "/sales", 415, raw=b"lines=CUT",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert error["code"] == "unsupported_media_type" and "Content-Type" in error["details"]
    refused(api, app, "POST", "/clients", 415, raw=b'{"first_name": "A", "last_name": "B"}',
            headers={"Content-Type": "text/plain"})


@pytest.mark.parametrize("text", ["\ud800", "A\udfffB", "\x00", "Ana\x00", "\x1b[31m", "\x7f", "\x85", "\r"])
def test_control_characters_and_lone_surrogates_are_refused_in_a_body(api, app, text):
    """A lone surrogate was a 500 on both databases; NUL a 500 on PostgreSQL and stored as is on SQLite."""
    error = refused(api, app, "POST", "/clients", 422, json={"first_name": text, "last_name": "Martin"})
    assert error["code"] == "validation_error"
    assert "first_name" in error["message"] and list(error["details"]) == ["first_name"]


def test_refused_text_anywhere_in_a_body_is_named_by_its_path(api, app):
    add_item(api, "CUT", "Coupe", "40.00")
    error = refused(api, app, "POST", "/sales", 422, json={"lines": [{"code": "CUT", "quantity": 1},
                                                                      {"code": "CUT", "quantity": 1,
                                                                       "name": "Cut\x00"}]})
    assert error["details"] == {"lines": {"1": {"name": [error["message"]]}}}
    assert error["message"].startswith("lines.1.name holds U+0000")
    error = refused(api, app, "POST", "/clients", 422, json={"first_name": "A", "last_name": "B", "n\x00": 1})
    assert "n\\x00" in error["message"]


def test_refused_text_in_the_query_path_and_idempotency_key(api, app):
    error = refused(api, app, "GET", "/clients", 422, query={"q": "Mar\x00tin"})
    assert list(error["details"]) == ["q"]
    refused(api, app, "PATCH", "/tills/till\x00", 404, json={"name": "Till"}, as_="manager")
    error = refused(api, app, "POST", "/clients", 422, json={"first_name": "A", "last_name": "B"},
                    headers={"Idempotency-Key": "k\x00"})
    assert list(error["details"]) == ["Idempotency-Key"]


def test_nothing_with_nul_is_stored_by_the_panel_form_schema(app):
    """The panel's new-client form loads through the API's ClientSchema: the same Text fields refuse it."""
    from marshmallow import ValidationError

    from pos_loyalty.schemas.bodies import ClientSchema

    with pytest.raises(ValidationError) as refusal:
        ClientSchema().load({"first_name": "Ana\x00", "last_name": "\ud800"})
    assert set(refusal.value.messages) == {"first_name", "last_name"}


def test_right_to_left_marks_emoji_and_combining_accents_are_text(api, app):
    first, last = "\u200fסופי\u200e 😀", "Mart\u0131\u0301n 👩‍🔧"
    client = new_client(api, first, last, referred_by=None)
    assert (client["first_name"], client["last_name"]) == (first, last)
    with app.app_context():
        stored = db.session.scalars(select(Client).where(Client.id == client["id"])).one()
        assert (stored.first_name, stored.last_name) == (first, last)
        db.session.remove()


# --- points and money beyond 32 bits -------------------------------------------------------------------
SIX_BILLION = {"client_id": None, "lines": [{"code": "CUT", "quantity": 2, "unit_price": "1000000.00"}] * 3}


def test_a_six_billion_point_sale_is_refused_up_front(api, app):
    """6,000,000.00 at 1,000 points a euro is 6e9 points: on PostgreSQL's 32-bit columns it failed at its
    third payment and stayed half paid. Now the sale itself is refused when opened: no sale, no payment."""
    add_item(api, "CUT", "Coupe", "40.00")
    set_program(api, points_per_unit="1000")
    client = new_client(api, "Ana", "Big")
    error = refused(api, app, "POST", "/sales", 422, json={**SIX_BILLION, "client_id": client["id"]})
    assert error["code"] == "too_many_points" and "6000000000" in error["message"]
    open_sale = api.ok("POST", "/sales", {"lines": SIX_BILLION["lines"]})  # no client: nothing to credit
    error = refused(api, app, "PUT", f"/sales/{open_sale['id']}/client", 422, json={"client_id": client["id"]})
    assert error["code"] == "too_many_points"


@pytest.mark.parametrize("body, field", [
    ({"lines": [{"code": "CUT", "quantity": 1, "unit_price": "10000000.01"}]}, "unit_price"),
    ({"lines": [{"code": "CUT", "quantity": MAX_QUANTITY + 1}]}, "quantity"),
    ({"lines": [{"code": "CUT", "quantity": 1, "unit_price": 75.0}]}, "unit_price"),
])
def test_money_and_quantities_beyond_the_maxima(api, app, body, field):
    add_item(api, "CUT", "Coupe", "40.00")
    assert field in refused(api, app, "POST", "/sales", 422, json=body)["details"]["lines"]["0"]


@pytest.mark.parametrize("path, body", [
    ("/clients/1/adjustments", {"points": MAX_POINTS + 1, "reason": "x"}),
    ("/clients/1/adjustments", {"points": -MAX_POINTS - 1, "reason": "x"}),
    ("/rewards", {"name": "Big", "kind": "amount_off", "value": "10.00", "points_cost": MAX_POINTS + 1}),
    ("/rewards", {"name": "Big", "kind": "amount_off", "value": "10.00", "points_cost": 2**63}),
])
def test_points_beyond_the_maxima(api, app, path, body):
    new_client(api, "Ana", "Big")
    refused(api, app, "POST", path, 422, json=body, as_="manager")


def test_the_largest_sales_allowed_pay_in_full(api, app):
    """At the maxima, points pass 2**31 and are kept exactly (PostgreSQL's BIGINT columns): two sales of
    10,000,000.00 at 100 points a euro, each the most a sale may earn, paid in split payments of the largest
    amount, and the largest adjustment on top."""
    add_item(api, "CUT", "Coupe", "40.00")
    set_program(api, points_per_unit="100")
    client = new_client(api, "Ana", "Big")
    for _ in range(2):
        sale = api.ok("POST", "/sales", {"client_id": client["id"],
                                         "lines": [{"code": "CUT", "quantity": 4, "unit_price": "2500000.00"}]})
        assert sale["quote"]["points_to_earn"] == MAX_SALE_POINTS and sale["due"] == f"{MAX_MONEY}"
        paid = api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "5000000.00", "method": "card"})
        assert paid["status"] == "open"
        paid = api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "5000000.00", "method": "card"})
        assert paid["status"] == "paid" and paid["points_earned"] == MAX_SALE_POINTS
    adjusted = api.ok("POST", f"/clients/{client['id']}/adjustments", {"points": MAX_POINTS, "reason": "Max"},
                      as_="manager")
    assert adjusted["balance"] == 2 * MAX_SALE_POINTS + MAX_POINTS > 2**31
    loyalty = api.ok("GET", f"/clients/{client['id']}/loyalty")
    assert loyalty["balance"] == loyalty["available"] == 3 * MAX_POINTS
    ledger = api.ok("GET", f"/clients/{client['id']}/ledger")
    assert sum(item["points"] for item in ledger["items"]) == 3 * MAX_POINTS


# --- the document and the answers agree ------------------------------------------------------------------
def test_405_names_the_allowed_methods(api, app):
    response = api.http.open("/api/v1/program", method="PUT", json={},
                             headers={"Authorization": f"Bearer {api.tokens['manager']}"})
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "PATCH"}
    assert response.get_json()["error"] == {"code": "method_not_allowed", "message": response.get_json()["error"]
                                            ["message"], "details": {}}


def patch_operations(client) -> list[str]:
    document = client.get("/api/v1/openapi.json").get_json()
    return sorted(path.removeprefix("/api/v1") for path, methods in document["paths"].items() if "patch" in methods)


def test_every_patch_of_the_document_says_and_refuses_nothing_to_change(api, app, client):
    """Generated from the document: each PATCH body needs minProperties 1, and an empty body or {} is a 422
    on an object that exists (a PATCH without a body answered 200 and made a new program version)."""
    add_item(api, "CUT", "Coupe", "40.00")
    api.ok("POST", "/rules", {"kind": "service", "service_code": "CUT", "points": 5}, as_="manager")
    api.ok("POST", "/rewards", {"name": "R", "kind": "amount_off", "value": "5.00", "points_cost": 10}, as_="manager")
    new_client(api, "Ana", "Big")
    document = client.get("/api/v1/openapi.json").get_json()
    paths = patch_operations(client)
    assert {"/program", "/rules/{rule_id}", "/rewards/{reward_id}", "/clients/{client_id}",
            "/catalogue/{item_id}", "/tills/{code}"} <= set(paths)
    for path in paths:
        body = document["paths"]["/api/v1" + path]["patch"]["requestBody"]["content"]["application/json"]["schema"]
        name = body["$ref"].rsplit("/", 1)[1]
        assert document["components"]["schemas"][name]["minProperties"] == 1, name
        concrete = path.replace("{code}", "till-1").replace("{rule_id}", "1").replace("{reward_id}", "1") \
            .replace("{client_id}", "1").replace("{item_id}", "1")
        for raw in (b"", b"{}"):
            error = refused(api, app, "PATCH", concrete, 422, raw=raw, headers=JSON, as_="manager")
            assert error["details"] == {"_schema": ["Nothing to change: give at least one field."]}, (path, error)


def test_webargs_messages_become_an_object():
    """A message about the whole body (webargs' {"json": ["Invalid JSON body."]}) was answered as a list."""
    from pos_loyalty.api.errors import field_details

    assert field_details({"json": ["Invalid JSON body."]}) == {"_schema": ["Invalid JSON body."]}
    assert field_details({"json": {"lines": ["Missing."]}, "query": {"q": ["Short."]}}) == \
        {"lines": ["Missing."], "q": ["Short."]}
    assert field_details(["Bad."]) == {"_schema": ["Bad."]}
