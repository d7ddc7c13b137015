"""Arbitrary unicode thrown at every text field of every input the OpenAPI document lists (request bodies,
their nested lines and rule kinds, query parameters), on SQLite and PostgreSQL: lone surrogates, NUL and other
control characters, right-to-left marks, emoji, combining accents.

Never a 500. A string holding a control character (but tab and newline) or a lone surrogate is a 422 naming
the field, and changes nothing. Any other string is text: the answer is the one the same request gets with
plain letters in its place (RTL marks and emoji are refused nowhere a plain word is accepted).
"""
from __future__ import annotations

import itertools
import re
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_loyalty.schemas.fields import NON_BLANK_PATTERN, TEXT_PATTERN, text_problem
from salon_setup import add_item, add_reward, add_rule, new_client
from test_api_validation import snapshot

SPECIAL = ["\ud800", "\udfff", "\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f", "\r", "\t", "\n", "\u200f", "\u200e",
           "\u202e", "\u0301", "😀", "👩\u200d🔧", "\ufeff", "\u2028", " ", "é", "ß"]
TEXT = st.lists(st.one_of(st.sampled_from(SPECIAL), st.characters(exclude_categories=())), min_size=1,
                max_size=10).map("".join)

# A request each operation accepts, given the fixture's objects; the field under test replaces one value.
# Every operation of the document with a text input must be here (test_every_text_input_has_a_baseline).
BASELINES = {
    "PATCH /program": lambda n, ids: {"currency": "EUR"},
    "POST /rules": lambda n, ids: {"service": {"kind": "service", "service_code": f"S{n}", "points": 5},
                                   "category": {"kind": "category", "category": f"c{n}", "points": 5},
                                   "multiplier": {"kind": "multiplier", "factor": "2"}},
    "PATCH /rules/{rule_id}": lambda n, ids: {"active": True},
    "GET /audit": lambda n, ids: {},
    "GET /mail/outbox": lambda n, ids: {},
    "POST /rewards": lambda n, ids: {"name": f"R{n}", "kind": "amount_off", "value": "5.00", "points_cost": 10},
    "PATCH /rewards/{reward_id}": lambda n, ids: {"active": True},
    "GET /catalogue": lambda n, ids: {},
    "POST /catalogue": lambda n, ids: {"code": f"X{n}", "name": "N", "kind": "service", "price": "5.00"},
    "PATCH /catalogue/{item_id}": lambda n, ids: {"active": True},
    "PUT /catalogue/categories/{code}": lambda n, ids: {"display_name": f"Couleur {n}"},
    "POST /clients": lambda n, ids: {"first_name": "Ana", "last_name": f"B{n}"},
    "GET /clients": lambda n, ids: {"q": "Ana"},
    "PATCH /clients/{client_id}": lambda n, ids: {"subscriber": False},
    "POST /clients/{client_id}/rewards": lambda n, ids: {"reward_id": ids["reward_id"], "reason": "Goodwill"},
    "GET /clients/{client_id}/ledger": lambda n, ids: {},
    "POST /clients/{client_id}/adjustments": lambda n, ids: {"points": 1, "reason": "Goodwill"},
    "POST /sales": lambda n, ids: {"till": "till-1", "client_id": ids["client_id"],
                                   "lines": [{"code": "CUT", "quantity": 1, "unit_price": "1.00"}]},
    "POST /sales/{sale_id}/payments": lambda n, ids: {"amount": "1.00", "method": "card"},
    "GET /sales/{sale_id}/receipt": lambda n, ids: {"format": "text"},
    "POST /sales/{sale_id}/lines": lambda n, ids: {"code": "CUT", "quantity": 1},
    "POST /sales/{sale_id}/redemptions": lambda n, ids: {"code": "KXQBRT"},  # a milestone code, typed
    "GET /reports/salons": lambda n, ids: {"from": "2026-01-01", "to": "2026-12-31"},
    "GET /reports/ranking": lambda n, ids: {"q": "Ana"},
    "PATCH /tills/{code}": lambda n, ids: {"name": f"Till {n}"},
    # The what-if: program fields, or a rules list holding one rule of the field's kind.
    "POST /program/preview": lambda n, ids: {
        None: {"changes": {"points_per_unit": "2"}, "months": 3},
        "service": {"changes": {"rules": [{"kind": "service", "service_code": f"S{n}", "points": 5}]}, "months": 3},
        "category": {"changes": {"rules": [{"kind": "category", "category": f"c{n}", "points": 5}]}, "months": 3},
        "multiplier": {"changes": {"rules": [{"kind": "multiplier", "factor": "2"}]}, "months": 3}},
}
FREE_TEXT = {TEXT_PATTERN, NON_BLANK_PATTERN, None}


def text_inputs(document: dict) -> list[tuple]:
    """(method, path, where, field path, rule kind or None, free text?) for every string a request carries."""
    components = document["components"]["schemas"]
    found = []

    def walk(node, field, kind, add):
        if "$ref" in node:
            return walk(components[node["$ref"].rsplit("/", 1)[1]], field, kind, add)
        for variant in node.get("oneOf", []):
            walk(variant, field, variant["properties"]["kind"]["enum"][0], add)
        for variant in node.get("anyOf", []):
            walk(variant, field, kind, add)
        if node.get("type") == "object":
            for name, prop in node.get("properties", {}).items():
                if not prop.get("readOnly"):
                    walk(prop, field + (name,), kind, add)
        elif node.get("type") == "array":
            walk(node["items"], field + ("0",), kind, add)
        elif node.get("type") == "string":
            add(field, kind, "enum" not in node and "format" not in node and node.get("pattern") in FREE_TEXT)

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            label = (method.upper(), path.removeprefix("/api/v1"))
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                walk(body, (), None, lambda field, kind, free: found.append((*label, "body", field, kind, free)))
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    walk(parameter["schema"], (parameter["name"],), None,
                         lambda field, kind, free: found.append((*label, "query", field, kind, free)))
    return found


@pytest.fixture
def salon(api, app, client):
    add_item(api, "CUT", "Coupe", "40.00", category="cut")
    rule = add_rule(api, kind="service", service_code="CUT", points=5)
    reward = add_reward(api, "10 € off", 10)
    ana = new_client(api, "Ana", "Martin")
    sale = api.ok("POST", "/sales", {"client_id": ana["id"], "lines": [{"code": "CUT", "quantity": 1}]})
    ids = {"rule_id": rule["id"], "reward_id": reward["id"], "item_id": 1, "client_id": ana["id"],
           "sale_id": sale["id"], "code": "till-1"}
    return ids, text_inputs(client.get("/api/v1/openapi.json").get_json())


def test_every_text_input_has_a_baseline(salon):
    _, inputs = salon
    assert len(inputs) > 40
    assert {f"{method} {path}" for method, path, *_ in inputs} <= set(BASELINES)


def plain_twin(text: str, counter: int) -> str:
    """The same length and the same white space, in plain letters (different each time: no duplicates)."""
    letters = itertools.cycle("abcdefghijklmnopqrstuvwxyz"[counter % 26:] + "abcdefghijklmnopqrstuvwxyz")
    return "".join(" " if character.isspace() else next(letters) for character in text)


def send(api, method: str, path: str, where: str, field: tuple, value: str, baseline):
    body, query = (None, dict(baseline)) if method == "GET" else (baseline, None)
    if where == "body":
        node = body
        for part in field[:-1]:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[field[-1]] = value
    else:
        query = {**(query or {}), field[0]: value}
    # A URL cannot carry a lone surrogate: its UTF-8 bytes go as they are, and the server reads U+FFFD.
    query_string = urlencode(query, encoding="utf-8", errors="surrogatepass") if query else None
    response = api.http.open("/api/v1" + path, method=method, json=body, query_string=query_string,
                             headers={"Authorization": f"Bearer {api.tokens['manager']}"})
    return response.status_code, response.get_json(silent=True)


COUNTER = itertools.count()


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_unicode_in_any_text_field(api, app, salon, data):
    ids, inputs = salon
    method, template, where, field, kind, free_text = data.draw(st.sampled_from(inputs), label="input")
    text = data.draw(TEXT, label="text")
    path = re.sub(r"\{(\w+)\}", lambda found: str(ids[found.group(1)]), template)
    counter = next(COUNTER)

    def baseline():
        made = BASELINES[f"{method} {template}"](counter, ids)
        return made[kind] if kind else made.get(None, made)

    before = snapshot(app)
    status, answer = send(api, method, path, where, field, text, baseline())
    assert status < 500, (method, template, field, text, answer)
    if status >= 400:
        assert set(answer) == {"error"} and isinstance(answer["error"]["details"], dict), answer
        assert snapshot(app) == before, (method, template, field, text, answer)
    received = text if where == "body" else text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if text_problem(received):
        assert status == 422, (method, template, field, text, answer)
        assert ".".join(field) in answer["error"]["message"], answer
    elif free_text:
        twin_status, twin_answer = send(api, method, path, where, field, plain_twin(text, counter), baseline())
        if 409 not in (status, twin_status):  # a duplicate of something an earlier example stored
            assert (status, (answer or {}).get("error", {}).get("code")) == \
                (twin_status, (twin_answer or {}).get("error", {}).get("code")), (method, template, field, text,
                                                                                   answer, twin_answer)
