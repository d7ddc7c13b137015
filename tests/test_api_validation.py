"""Bad input anywhere answers 4xx with the error body and changes nothing in the database."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from conftest import prepared_fixtures
from pos_loyalty.extensions import db
from salon_setup import add_item, add_reward, give_points, new_client

LINE = {"code": "CUT", "quantity": 1, "unit_price": "40.00"}


def build_salon(app, api, clock):
    """A till's day in progress: ids 1 everywhere, an open sale with a client, a paid one, a cancelled one."""
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    reward = add_reward(api, "10 € off", 100)
    inactive = add_reward(api, "Old reward", 50)
    api.ok("PATCH", f"/rewards/{inactive['id']}", {"active": False}, as_="manager")
    deleted = add_reward(api, "Gone reward", 50)
    api.ok("DELETE", f"/rewards/{deleted['id']}", as_="manager")
    client = new_client(api, "Hélène", "Dupré")
    give_points(api, client["id"], 150)
    open_sale = api.ok("POST", "/sales", {"client_id": client["id"], "lines": [LINE]})
    no_client = api.ok("POST", "/sales", {"lines": [LINE]})
    paid = api.ok("POST", "/sales", {"client_id": client["id"], "lines": [LINE]})
    api.ok("POST", f"/sales/{paid['id']}/payments", {"amount": "40.00", "method": "card"})
    cancelled = api.ok("POST", "/sales", {"lines": [LINE]})
    api.ok("POST", f"/sales/{cancelled['id']}/cancel")
    return {"client": client["id"], "open": open_sale["id"], "no_client": no_client["id"], "paid": paid["id"],
            "cancelled": cancelled["id"], "reward": reward["id"], "inactive": inactive["id"],
            "deleted": deleted["id"]}


# Made once per module and backend; each test has a copy of its database (conftest.Prepared).
prepared, database_url, clock, api, salon = prepared_fixtures(build_salon, "salon")


def snapshot(app) -> dict:
    with app.app_context():
        tables = [t for t in db.metadata.sorted_tables if t.name != "idempotency_records"]
        counts = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in tables}
        counts["balances"] = db.session.execute(text("select sum(balance), sum(held), sum(debt) from points_accounts")).all()
        db.session.remove()
        return counts


def assert_refused(api, app, method, path, body, status=None, as_="till", raw=None, headers=None):
    before = snapshot(app)
    if raw is not None:
        response = api.http.open("/api/v1" + path, method=method, data=raw,
                                 headers={"Authorization": f"Bearer {api.tokens[as_]}", **(headers or {})})
        code, answer = response.status_code, response.get_json(silent=True)
    else:
        code, answer = api.call(method, path, body, as_=as_, headers=headers)
    assert 400 <= code < 500, (code, answer)
    if status:
        assert code == status, answer
    assert set(answer) == {"error"} and set(answer["error"]) == {"code", "message", "details"}, answer
    assert answer["error"]["message"]
    assert snapshot(app) == before
    return answer


SALE_BODIES = {
    "negative price": {"lines": [{**LINE, "unit_price": "-1.00"}]},
    "text price": {"lines": [{**LINE, "unit_price": "abc"}]},
    "NaN price": {"lines": [{**LINE, "unit_price": "NaN"}]},
    "infinite price": {"lines": [{**LINE, "unit_price": "Infinity"}]},
    "huge float price": {"lines": [{**LINE, "unit_price": 1e300}]},
    "10^30 price": {"lines": [{**LINE, "unit_price": 10**30}]},
    "boolean price": {"lines": [{**LINE, "unit_price": True}]},
    "three decimals": {"lines": [{**LINE, "unit_price": "40.001"}]},
    "quantity 0": {"lines": [{**LINE, "quantity": 0}]},
    "negative quantity": {"lines": [{**LINE, "quantity": -2}]},
    "fractional quantity": {"lines": [{**LINE, "quantity": 1.5}]},
    "text quantity": {"lines": [{**LINE, "quantity": "1"}]},
    "10^30 quantity": {"lines": [{**LINE, "quantity": 10**30}]},
    "unknown code": {"lines": [{**LINE, "code": "NOPE"}]},
    "wrong kind": {"lines": [{**LINE, "kind": "product"}]},
    "no lines": {"lines": []},
    "lines not a list": {"lines": {"code": "CUT"}},
    "line not an object": {"lines": ["CUT"]},
    "missing lines": {"client_id": 1},
    "missing code": {"lines": [{"quantity": 1}]},
    "unknown field": {"lines": [LINE], "colour": "red"},
    "unknown client": {"client_id": 999, "lines": [LINE]},
    "10^30 client": {"client_id": 10**30, "lines": [LINE]},
    "text client": {"client_id": "1", "lines": [LINE]},
    "unknown till": {"till": "till-9", "lines": [LINE]},
    "discount bigger than the sale": {"lines": [LINE], "discount_code": "X", "discount_amount": "50.00"},
    "discount without its code": {"lines": [LINE], "discount_amount": "5.00"},
}


@pytest.mark.parametrize("case", sorted(SALE_BODIES))
def test_bad_sales_change_nothing(api, app, salon, case):
    assert_refused(api, app, "POST", "/sales", SALE_BODIES[case])


def test_bodies_that_are_not_json(api, app, salon):
    assert_refused(api, app, "POST", "/sales", None, raw=b"{not json", headers={"Content-Type": "application/json"})
    assert_refused(api, app, "POST", "/sales", None, raw=b"lines=CUT",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_refused(api, app, "POST", "/sales", None, raw=b"[]", headers={"Content-Type": "application/json"})


def state_refusals(s):
    return [
        ("POST", f"/sales/{s['cancelled']}/payments", {"amount": "40.00", "method": "card"}, 409),
        ("POST", f"/sales/{s['paid']}/payments", {"amount": "40.00", "method": "card"}, 409),
        ("POST", f"/sales/{s['open']}/payments", {"amount": "41.00", "method": "card"}, 422),
        ("POST", f"/sales/{s['open']}/payments", {"amount": "0.00", "method": "card"}, 422),
        ("POST", f"/sales/{s['open']}/payments", {"amount": "10.00", "method": "bitcoin"}, 422),
        ("POST", f"/sales/{s['open']}/payments", {"amount": "-5", "method": "card"}, 422),
        ("POST", f"/sales/{s['open']}/payments", {"method": "card"}, 422),
        ("POST", f"/sales/{s['no_client']}/redemptions", {"reward_id": s["reward"]}, 409),
        ("POST", f"/sales/{s['open']}/redemptions", {"reward_id": s["inactive"]}, 409),
        ("POST", f"/sales/{s['open']}/redemptions", {"reward_id": s["deleted"]}, 404),
        ("POST", f"/sales/{s['open']}/redemptions", {"reward_id": 999}, 404),
        ("POST", f"/sales/{s['open']}/redemptions", {"reward_id": "1"}, 422),
        ("DELETE", f"/sales/{s['open']}/redemptions/999", None, 404),
        ("POST", f"/sales/{s['cancelled']}/cancel", None, 409),
        ("PUT", f"/sales/{s['paid']}/client", {"client_id": s["client"]}, 409),
        ("PUT", f"/sales/{s['open']}/client", {"client_id": 999}, 422),
        ("POST", "/sales/999/payments", {"amount": "1.00", "method": "card"}, 404),
        ("GET", "/sales/999", None, 404),
        ("GET", "/clients/999", None, 404),
        ("GET", "/clients/999/loyalty", None, 404),
        ("POST", "/clients", {"first_name": "A", "last_name": "B", "referred_by": "NOBODY"}, 422),
        ("POST", "/clients", {"first_name": "A", "last_name": "B", "email": "not-an-email"}, 422),
        ("POST", "/clients", {"first_name": "A", "last_name": "B", "phone": "call me"}, 422),
        ("POST", "/clients", {"first_name": "A", "last_name": "B", "birth_date": "2999-01-01"}, 422),
        ("POST", "/clients", {"first_name": " ", "last_name": "B"}, 422),
        ("POST", "/clients", {"last_name": "B"}, 422),
        ("POST", "/clients", [], 422),
    ]


def test_requests_the_state_refuses_change_nothing(api, app, salon):
    for method, path, body, status in state_refusals(salon):
        assert_refused(api, app, method, path, body, status=status)


def test_second_reward_without_stacking_and_too_many_points(api, app, salon):
    api.ok("POST", f"/sales/{salon['open']}/redemptions", {"reward_id": salon["reward"]})
    answer = assert_refused(api, app, "POST", f"/sales/{salon['open']}/redemptions", {"reward_id": salon["reward"]},
                            status=409)
    assert answer["error"]["code"] == "one_discount_per_sale"
    other = api.ok("POST", "/sales", {"client_id": salon["client"], "lines": [LINE]})
    answer = assert_refused(api, app, "POST", f"/sales/{other['id']}/redemptions", {"reward_id": salon["reward"]},
                            status=409)
    assert answer["error"]["code"] == "insufficient_points"


MANAGER_REFUSALS = [
    ("PATCH", "/program", {"rounding": "banana"}), ("PATCH", "/program", {"validity_months": 0}),
    ("PATCH", "/program", {"points_per_unit": "-1"}), ("PATCH", "/program", {"points_per_unit": "abc"}),
    ("PATCH", "/program", {"enabled": "yes"}), ("PATCH", "/program", {"referrer_bonus": 10**30}),
    ("PATCH", "/program", {"version": 9}),
    ("POST", "/rules", {"kind": "lottery", "points": 5}),
    ("POST", "/rules", {"kind": "service", "points": 5}),
    ("POST", "/rules", {"kind": "service", "service_code": "CUT", "points": 0}),
    ("POST", "/rules", {"kind": "multiplier", "factor": "2", "starts_on": "2027-02-01", "ends_on": "2027-01-01"}),
    ("POST", "/rules", {"kind": "multiplier", "factor": "2", "weekdays": [8]}),
    ("POST", "/rules", {"kind": "multiplier", "factor": "0"}),
    ("POST", "/rules", {"kind": "multiplier", "factor": "2", "from_time": "18:00"}),
    ("POST", "/rewards", {"name": "X", "kind": "amount_off", "value": "abc", "points_cost": 10}),
    ("POST", "/rewards", {"name": "X", "kind": "percent_off", "value": "150", "points_cost": 10}),
    ("POST", "/rewards", {"name": "X", "kind": "free_item", "value": "NOPE", "points_cost": 10}),
    ("POST", "/rewards", {"name": "X", "kind": "amount_off", "value": "10.00", "points_cost": -10}),
    ("POST", "/rewards", {"name": "X", "kind": "gift", "value": "1", "points_cost": 10}),
    ("POST", "/clients/1/adjustments", {"points": 0, "reason": "x"}),
    ("POST", "/clients/1/adjustments", {"points": 10}),
    ("POST", "/clients/1/adjustments", {"points": "10", "reason": "x"}),
    ("POST", "/clients/1/adjustments", {"points": -10**6, "reason": "x"}),
    ("POST", "/clients/1/adjustments", {"points": 10**30, "reason": "x"}),
    ("POST", "/sales/1/refund", None),
    ("PATCH", "/rules/999", {"points": 3}), ("DELETE", "/rewards/999", None),
]


@pytest.mark.parametrize("method,path,body", MANAGER_REFUSALS)
def test_bad_manager_requests_change_nothing(api, app, salon, method, path, body):
    assert_refused(api, app, method, path, body, as_="manager")


def test_refunding_twice_and_bad_queries(api, app, salon):
    api.ok("POST", f"/sales/{salon['paid']}/refund", as_="manager")
    assert_refused(api, app, "POST", f"/sales/{salon['paid']}/refund", None, status=409, as_="manager")
    for query in ({"limit": 0}, {"limit": "abc"}, {"limit": 10**30}, {"cursor": "garbage!"}):
        code, body = api.call("GET", f"/clients/{salon['client']}/ledger", query=query)
        assert code == 422 and body["error"]["code"] in ("validation_error", "bad_cursor"), (query, body)
    code, body = api.call("GET", "/clients", query={"q": ""})
    assert code == 422


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                                      max_size=5), max_leaves=12)
WRITES = ["/sales", "/clients", "/sales/1/payments", "/sales/1/redemptions", "/clients/1/adjustments", "/rules",
          "/rewards", "/catalogue"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(path=st.sampled_from(WRITES), body=JSON_VALUES)
def test_garbage_never_reaches_a_server_error(api, salon, path, body):
    response = api.http.post("/api/v1" + path, data=json.dumps(body, allow_nan=True),
                             headers={"Authorization": f"Bearer {api.tokens['manager']}",
                                      "Content-Type": "application/json"})
    assert response.status_code < 500, response.get_json()
