"""Tokens and roles on every endpoint, enumerated from the OpenAPI document so none is forgotten."""
import re

import pytest

MANAGER_ONLY = {
    ("PATCH", "/program"), ("GET", "/rules"), ("POST", "/rules"), ("GET", "/rules/{rule_id}"),
    ("PATCH", "/rules/{rule_id}"), ("DELETE", "/rules/{rule_id}"), ("GET", "/rewards"), ("POST", "/rewards"),
    ("GET", "/rewards/{reward_id}"), ("PATCH", "/rewards/{reward_id}"), ("DELETE", "/rewards/{reward_id}"),
    ("POST", "/catalogue"), ("PATCH", "/catalogue/{item_id}"), ("POST", "/clients/{client_id}/adjustments"),
    ("POST", "/clients/{client_id}/rewards"), ("POST", "/sales/{sale_id}/refund"), ("GET", "/reports/salons"),
    ("GET", "/tills"), ("PATCH", "/tills/{code}"),
}


def operations(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, methods in document["paths"].items():
        for method in methods:
            if method in ("get", "post", "put", "patch", "delete"):
                yield method.upper(), path.removeprefix("/api/v1")


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_endpoint_needs_a_token(client):
    for method, path in operations(client):
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
            response = client.open("/api/v1" + concrete(path), method=method, json={}, headers=headers)
            assert response.status_code == 401, (method, path, headers)
            assert response.get_json()["error"]["code"] == "unauthorized"


def test_till_gets_403_on_every_manager_call_and_only_there(client, api):
    manager_calls = set()
    for method, path in operations(client):
        code, body = api.call(method, concrete(path), {})
        if code == 403:
            assert body["error"]["code"] == "forbidden"
            manager_calls.add((method, path))
    assert manager_calls == MANAGER_ONLY


@pytest.mark.parametrize("method,path", sorted(MANAGER_ONLY))
def test_manager_passes_the_role_check(api, method, path):
    code, _ = api.call(method, concrete(path), {}, as_="manager", query={"from": "2026-01-01", "to": "2026-12-31"})
    assert code not in (401, 403)
