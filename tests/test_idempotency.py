"""Idempotency-Key: a replay answers the first answer and changes nothing."""
from sqlalchemy import func, select

from pos_loyalty.extensions import db
from pos_loyalty.models import LedgerEntry, Payment, Sale
from salon_setup import add_item, balance, new_client, sell


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def test_payment_posted_five_times_credits_once(app, api):
    add_item(api, "CUT", "Coupe femme", "75.00", category="cut")
    client = new_client(api, "Hélène", "Dupré")
    sale = sell(api, client["id"], ("CUT", 1, "75.00"), pay=False)
    answers = [api.http.post(f"/api/v1/sales/{sale['id']}/payments", json={"amount": "75.00", "method": "card"},
                             headers={"Authorization": f"Bearer {api.tokens['till']}", "Idempotency-Key": "pay-1"})
               for _ in range(5)]
    assert {a.status_code for a in answers} == {201}
    assert all(a.get_json() == answers[0].get_json() for a in answers)
    assert [a.headers.get("Idempotent-Replayed") for a in answers] == [None] + ["true"] * 4
    assert balance(api, client["id"]) == 75
    assert count(app, Payment) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(LedgerEntry.id)).where(LedgerEntry.kind == "earn")) == 1


def test_same_key_other_body_is_refused_and_other_token_is_another_key(app, api):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    first = api.ok("POST", "/sales", {"lines": [{"code": "CUT", "quantity": 1}]}, headers={"Idempotency-Key": "k"})
    replay = api.ok("POST", "/sales", {"lines": [{"code": "CUT", "quantity": 1}]}, headers={"Idempotency-Key": "k"})
    assert replay == first and count(app, Sale) == 1
    code, body = api.call("POST", "/sales", {"lines": [{"code": "CUT", "quantity": 2}]},
                          headers={"Idempotency-Key": "k"})
    assert code == 422 and body["error"]["code"] == "idempotency_key_reused"
    api.ok("POST", "/sales", {"till": "till-1", "lines": [{"code": "CUT", "quantity": 1}]}, as_="manager",
           headers={"Idempotency-Key": "k"})
    assert count(app, Sale) == 2


def test_a_refused_request_is_not_stored_so_the_corrected_retry_goes_through(app, api):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    sale = api.ok("POST", "/sales", {"lines": [{"code": "CUT", "quantity": 1}]})
    code, _ = api.call("POST", f"/sales/{sale['id']}/payments", {"amount": "50.00", "method": "card"},
                       headers={"Idempotency-Key": "try"})
    assert code == 422
    # Same key, same (wrong) body: still refused, not replayed as a success.
    assert api.call("POST", f"/sales/{sale['id']}/payments", {"amount": "50.00", "method": "card"},
                    headers={"Idempotency-Key": "try"})[0] == 422
    paid = api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "50.00", "method": "cash"},
                  headers={"Idempotency-Key": "try-2"})
    assert paid["change"] == "10.00" and count(app, Payment) == 1


def test_key_too_long_is_refused(api):
    code, body = api.call("POST", "/clients", {"first_name": "A", "last_name": "B"},
                          headers={"Idempotency-Key": "x" * 201})
    assert code == 422 and body["error"]["code"] == "bad_idempotency_key"
