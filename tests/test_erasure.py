"""DELETE /clients/{id} (services/privacy.py), on SQLite and PostgreSQL: after it nothing the API answers, and
nothing stored in the database, carries the person's names, phone, e-mail, birth date or referral code
(every answer's whole text is searched for each of them); the ledger, the balances and the referrer's bonus
points are what they were. Refusals (unknown id, a till token, twice, an open sale) change nothing."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, inspect, select

from salon_setup import add_item, add_reward, balance, new_client, sell, set_program

PERSON = {"first_name": "Zéphyrine", "last_name": "Quistrebert", "phone": "+33 6 12 34 56 78",
          "email": "zephyrine.q@example.org", "birth_date": "1987-03-14"}
OLD_EMAIL = "zq.old@example.org"
CODE = "ZEPHYRINE-QUISTREBERT"
# What must be found nowhere afterwards (case ignored): each value as typed, and as it is written elsewhere.
TRACES = ("Zéphyrine", "Zephyrine", "Quistrebert", "Zéphyrine Q.", CODE, "+33 6 12 34 56 78", "12 34 56 78",
          "33612345678", "612345678", "zephyrine.q@example.org", OLD_EMAIL, "1987-03-14", "14/03/1987")
BYTE_TRACES = (b"Quistrebert", b"QUISTREBERT", b"phyrine", b"PHYRINE", b"12 34 56 78", b"zephyrine.q@example.org")


def traces_in(text: str) -> list[str]:
    folded = text.casefold()
    return [trace for trace in TRACES if trace.casefold() in folded]


def as_text(body) -> str:
    return body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, default=str)


@pytest.fixture
def story(app, api):
    """Paul referred Zéphyrine, who referred Léon; each paid a sale, so Paul's bonus is named after Zéphyrine
    and hers after Léon. Zéphyrine's profile was corrected by a manager (her old e-mail is in the audit
    trail), she got points by hand and a reward granted with her name in the reasons, redeemed a reward, and
    her receipt was printed; her creation and her payment were sent with Idempotency-Keys."""
    add_item(api, "CUT", "Coupe", "40.00")
    set_program(api, referrer_bonus=30, welcome_bonus=10)
    reward = add_reward(api, "5 € offerts", 20, value="5.00")
    paul = new_client(api, "Paul", "Martin")["id"]
    person_body = {**PERSON, "email": OLD_EMAIL, "referred_by": "PAUL-MARTIN"}
    person = api.ok("POST", "/clients", person_body, headers={"Idempotency-Key": "create-7f3a"})
    assert person["referral_code"] == CODE
    zid = person["id"]
    api.ok("PATCH", f"/clients/{zid}", {"email": PERSON["email"]}, as_="manager")
    leon = new_client(api, "Léon", "Bastide", referred_by=CODE)["id"]
    ines = new_client(api, "Inès", "Roux")["id"]
    api.ok("PATCH", f"/clients/{ines}", {"referred_by": CODE}, as_="manager")  # her code in Inès' audit entry
    first = sell(api, zid, ("CUT", 1, "40.00"))
    sell(api, leon, ("CUT", 1, "40.00"))
    api.ok("POST", f"/clients/{zid}/adjustments", {"points": 25, "reason": "Birthday gift for Zéphyrine"},
           as_="manager")
    api.ok("POST", f"/clients/{zid}/rewards", {"reward_id": reward["id"], "reason": "Quistrebert's complaint"},
           as_="manager")
    second = api.ok("POST", "/sales", {"client_id": zid, "lines": [{"code": "CUT", "quantity": 1}]})
    api.ok("POST", f"/sales/{second['id']}/redemptions", {"reward_id": reward["id"]})
    paid = api.ok("POST", f"/sales/{second['id']}/payments", {"amount": "35.00", "method": "card"},
                  headers={"Idempotency-Key": "pay-7f3a"})
    assert paid["status"] == "paid"
    api.ok("PATCH", "/tills/till-1", {"printer_url": "tcp://127.0.0.1:9100"}, as_="manager")
    api.ok("POST", f"/sales/{first['sale']['id']}/print")  # queued: the print worker is manual in tests
    return {"person": zid, "paul": paul, "leon": leon, "sales": [first["sale"]["id"], second["id"]],
            "person_body": person_body}


def figures(app) -> dict:
    """The sums that erasure must keep: every balance, the ledger's points by kind, entries and sales."""
    with app.app_context():
        from pos_loyalty.extensions import db
        from pos_loyalty.models import LedgerEntry, PointsAccount, PointsLot, Sale

        return {"balances": dict(db.session.execute(select(PointsAccount.client_id, PointsAccount.balance)).all()),
                "by_kind": dict(db.session.execute(select(LedgerEntry.kind, func.sum(LedgerEntry.points))
                                                   .group_by(LedgerEntry.kind)).all()),
                "entries": db.session.scalar(select(func.count(LedgerEntry.id))),
                "lots": db.session.scalar(select(func.sum(PointsLot.remaining))),
                "sales": db.session.scalar(select(func.count(Sale.id)))}


def database_text(app) -> dict[str, str]:
    """Every row of every table as text, by table: what a backup of the database would carry."""
    with app.app_context():
        from pos_loyalty.extensions import db

        found = {}
        for table in inspect(db.engine).get_table_names():
            rows = db.session.execute(db.text(f"SELECT * FROM {table}")).all()  # noqa: S608 - our own names
            found[table] = as_text([[str(value) if isinstance(value, (date, datetime, Decimal, bytes)) else value
                                     for value in row] for row in rows])
        return found


def api_answers(api, story) -> dict[str, object]:
    """What the API answers about the person and the clients around them, with every format of receipt."""
    zid, paul, leon = story["person"], story["paul"], story["leon"]
    answers = {"GET client": api.call("GET", f"/clients/{zid}")}
    for q in ("Zéphyrine", "Quistrebert", CODE, "12 34 56 78", PERSON["email"], "zeph"):
        answers[f"search {q}"] = api.call("GET", "/clients", query={"q": q})
    for other in (paul, leon):
        answers[f"client {other}"] = api.call("GET", f"/clients/{other}")
        answers[f"ledger {other}"] = api.call("GET", f"/clients/{other}/ledger", query={"limit": 200})
        answers[f"loyalty {other}"] = api.call("GET", f"/clients/{other}/loyalty")
    for sale_id in story["sales"]:
        answers[f"sale {sale_id}"] = api.call("GET", f"/sales/{sale_id}")
        answers[f"print jobs {sale_id}"] = api.call("GET", f"/sales/{sale_id}/print-jobs")
        for width in (32, 48):
            response = api.http.get(f"/api/v1/sales/{sale_id}/receipt", query_string={"format": "text", "width": width},
                                    headers={"Authorization": f"Bearer {api.tokens['till']}"})
            assert response.status_code == 200
            answers[f"receipt {sale_id} {width}"] = response.get_data(as_text=True)
    audit = api.call("GET", "/audit", as_="manager")
    answers["audit"] = audit
    for path in ("/reports/loyalty", "/reports/ranking"):
        answers[path] = api.call("GET", path, as_="manager")
    csv = api.http.get("/api/v1/reports/clients.csv", headers={"Authorization": f"Bearer {api.tokens['manager']}"})
    answers["clients.csv"] = (csv.status_code, csv.get_data(as_text=True))
    return answers


def escpos_of(api, sale_id: int, width: int) -> bytes:
    response = api.http.get(f"/api/v1/sales/{sale_id}/receipt", query_string={"format": "escpos", "width": width},
                            headers={"Authorization": f"Bearer {api.tokens['till']}"})
    assert response.status_code == 200
    return response.get_data()


def has_a_qr_code(printed: bytes) -> bool:
    """The printer's own QR command (GS ( k, 80 mm profile) or the QR drawn as a raster image (GS v 0)."""
    return b"\x1d(k" in printed or b"\x1dv0" in printed


def test_the_story_carries_the_person_before_erasure(app, api, story):
    """The check below can fail: before erasure the same answers and the database name the person."""
    answers = api_answers(api, story)
    assert traces_in(as_text(answers["GET client"]))
    assert traces_in(as_text(answers[f"ledger {story['paul']}"]))  # "Referral bonus: Zéphyrine Q."
    assert traces_in(as_text(answers[f"client {story['leon']}"]))  # referred by her code
    assert traces_in(answers[f"receipt {story['sales'][0]} 48"])
    assert traces_in(as_text(answers["audit"]))
    assert traces_in(as_text(answers["/reports/ranking"])) and traces_in(answers["clients.csv"][1])
    assert any(trace in escpos_of(api, story["sales"][0], 48) for trace in BYTE_TRACES)
    assert all(has_a_qr_code(escpos_of(api, sale_id, width)) for sale_id in story["sales"] for width in (32, 48))
    stored = database_text(app)
    for table in ("clients", "ledger_entries", "audit_entries", "idempotency_records", "reward_grants"):
        assert traces_in(stored[table]), table


def test_after_erasure_nothing_shows_the_person_and_the_sums_are_kept(app, api, story):
    zid, paul = story["person"], story["paul"]
    before = figures(app)
    paul_ledger_before = api.ok("GET", f"/clients/{paul}/ledger")["items"]
    loyalty_report_before = api.call("GET", "/reports/loyalty", as_="manager")

    erased = api.ok("DELETE", f"/clients/{zid}", as_="manager")

    assert erased["id"] == zid and erased["balance"] == before["balances"][zid]
    assert not traces_in(as_text(erased))
    assert figures(app) == before  # every balance, the ledger's sums by kind, the lots, the sales
    paul_ledger = api.ok("GET", f"/clients/{paul}/ledger")["items"]
    assert [(e["id"], e["kind"], e["points"]) for e in paul_ledger] == [
        (e["id"], e["kind"], e["points"]) for e in paul_ledger_before]  # the referrer keeps the bonus
    assert balance(api, paul) == 30
    bonus = next(e for e in paul_ledger if e["kind"] == "referral")
    assert bonus["description"] == "Bonus de parrainage: Client effacé"  # the salon's language (fr_FR)
    if loyalty_report_before[0] == 200:  # its figures are kept; its top 3 names no one erased
        status, report = api.call("GET", "/reports/loyalty", as_="manager")
        assert status == 200
        assert {k: v for k, v in report.items() if k != "top"} == {
            k: v for k, v in loyalty_report_before[1].items() if k != "top"}

    answers = api_answers(api, story)
    for name, answer in answers.items():
        assert not traces_in(as_text(answer)), (name, traces_in(as_text(answer)), answer)
    for sale_id in story["sales"]:
        for width in (32, 48):
            printed = escpos_of(api, sale_id, width)
            assert not [trace for trace in BYTE_TRACES if trace in printed], (sale_id, width)
            assert not has_a_qr_code(printed)  # the referral link and the card are gone
    for report in ("/reports/loyalty", "/reports/ranking", "clients.csv"):
        assert answers[report][0] == 200, report
    ranked = {row["client_id"]: row for row in answers["/reports/ranking"][1]["items"]}
    assert zid not in ranked or ranked[zid]["balance"] == before["balances"][zid]  # hidden, or nameless
    status, body = answers["GET client"]
    assert (status, body["error"]["code"]) == (404, "client_erased")
    for q in ("Zéphyrine", "Quistrebert", CODE, "12 34 56 78", PERSON["email"], "zeph"):
        assert answers[f"search {q}"] == (200, {"items": []})
    assert answers[f"client {story['leon']}"][1]["referred_by"] is None
    # A replay of her creation answers the first answer, scrubbed, and makes no new client.
    replay = api.call("POST", "/clients", story["person_body"], headers={"Idempotency-Key": "create-7f3a"})
    assert replay[0] == 201 and replay[1]["id"] == zid and not traces_in(as_text(replay[1]))
    assert figures(app)["balances"].keys() == before["balances"].keys()

    stored = database_text(app)
    for table, text in stored.items():
        assert not traces_in(text), (table, traces_in(text))


def test_the_audit_trail_says_who_erased_and_when_without_the_data(app, api, story, clock):
    api.ok("DELETE", f"/clients/{story['person']}", as_="manager")
    entry = api.ok("GET", "/audit", as_="manager", query={"action": "client.erase"})["items"][0]
    assert (entry["action"], entry["object"], entry["staff"]) == ("client.erase", f"client {story['person']}",
                                                                  "Ana (manager)")
    assert entry["before"] is None and entry["after"] is None
    assert datetime.fromisoformat(entry["at"]) == clock()
    # The entries about her stay, their personal values replaced.
    about = [e for e in api.ok("GET", "/audit", as_="manager")["items"] if e["object"] == f"client {story['person']}"]
    update = next(e for e in about if e["action"] == "client.update")
    assert update["before"] == {"email": "[erased]"} and update["after"] == {"email": "[erased]"}
    adjust = next(e for e in about if e["action"] == "points.adjust")
    assert adjust["after"]["reason"] == "Birthday gift for [erased]" and adjust["after"]["points"] == 25


def test_an_erased_client_is_gone_from_every_client_call_and_cannot_be_sold_to(app, api, story):
    zid = story["person"]
    api.ok("DELETE", f"/clients/{zid}", as_="manager")
    for method, path, body, as_ in (("GET", f"/clients/{zid}", None, "till"),
                                    ("PATCH", f"/clients/{zid}", {"first_name": "Z"}, "manager"),
                                    ("GET", f"/clients/{zid}/loyalty", None, "till"),
                                    ("GET", f"/clients/{zid}/ledger", None, "till"),
                                    ("GET", f"/clients/{zid}/rewards", None, "till"),
                                    ("GET", f"/clients/{zid}/export", None, "manager"),
                                    ("POST", f"/clients/{zid}/adjustments", {"points": 5, "reason": "x"}, "manager")):
        status, answer = api.call(method, path, body, as_=as_)
        assert (status, answer["error"]["code"]) == (404, "client_erased"), (method, path, answer)
    status, answer = api.call("POST", "/sales", {"client_id": zid, "lines": [{"code": "CUT", "quantity": 1}]})
    assert (status, answer["error"]["code"]) == (422, "client_erased")
    sale = api.ok("POST", "/sales", {"lines": [{"code": "CUT", "quantity": 1}]})
    status, answer = api.call("PUT", f"/sales/{sale['id']}/client", {"client_id": zid})
    assert (status, answer["error"]["code"]) == (422, "client_erased")
    assert api.ok("GET", f"/sales/{sale['id']}")["client_id"] is None
    status, answer = api.call("POST", "/clients", {"first_name": "Anne", "last_name": "Roy", "referred_by": CODE})
    assert (status, answer["error"]["code"]) == (422, "unknown_referral_code")  # her code refers no one


def test_refusals_change_nothing(app, api, story):
    zid = story["person"]
    before = database_text(app)
    status, answer = api.call("DELETE", "/clients/987654", as_="manager")
    assert (status, answer["error"]["code"]) == (404, "client_not_found")
    status, answer = api.call("DELETE", f"/clients/{zid}", as_="till")
    assert status == 403 and answer["error"]["code"] == "forbidden"
    open_sale = api.ok("POST", "/sales", {"client_id": zid, "lines": [{"code": "CUT", "quantity": 1}]})
    with_open_sale = database_text(app)
    status, answer = api.call("DELETE", f"/clients/{zid}", as_="manager")
    assert (status, answer["error"]["code"]) == (409, "client_has_open_sale")
    assert "open sale" in answer["error"]["message"]
    assert database_text(app) == with_open_sale
    assert before["clients"] == with_open_sale["clients"]
    api.ok("POST", f"/sales/{open_sale['id']}/cancel")
    api.ok("DELETE", f"/clients/{zid}", as_="manager")
    erased_once = database_text(app)
    status, answer = api.call("DELETE", f"/clients/{zid}", as_="manager")
    assert (status, answer["error"]["code"]) == (409, "client_erased")
    assert "erased already" in answer["error"]["message"]
    assert database_text(app) == erased_once


def test_a_retried_erasure_with_its_idempotency_key_answers_the_first_answer(app, api, story):
    key = {"Idempotency-Key": "erase-7f3a"}
    first = api.call("DELETE", f"/clients/{story['person']}", as_="manager", headers=key)
    assert first[0] == 200
    assert api.call("DELETE", f"/clients/{story['person']}", as_="manager", headers=key) == first


def test_a_name_corrected_after_the_bonus_leaves_no_trace_of_either_name(app, api):
    """The referrer's bonus was named after the name the client had then ("Anaïs K."), corrected later by a
    till (which the audit trail does not record) and by a manager (which it does): both names go."""
    add_item(api, "CUT", "Coupe", "40.00")
    set_program(api, referrer_bonus=30, welcome_bonus=10)
    paul = new_client(api, "Paul", "Martin")["id"]
    anais = new_client(api, "Anaïs", "Kerbrat", referred_by="PAUL-MARTIN")["id"]
    sell(api, anais, ("CUT", 1, "40.00"))
    api.ok("PATCH", f"/clients/{anais}", {"last_name": "Le Kerbrat"})  # the till: not in the audit trail
    api.ok("POST", f"/clients/{paul}/adjustments", {"points": 5, "reason": "Merci pour Anaïs Le Kerbrat"},
           as_="manager")  # the name she had then, in another client's history
    api.ok("PATCH", f"/clients/{anais}", {"first_name": "Annaïg", "last_name": "Lozac'h"}, as_="manager")
    assert "Anaïs K." in as_text(api.ok("GET", f"/clients/{paul}/ledger"))
    api.ok("DELETE", f"/clients/{anais}", as_="manager")
    for text in (as_text(api.ok("GET", f"/clients/{paul}/ledger")), as_text(api.ok("GET", "/audit", as_="manager")),
                 *database_text(app).values()):
        assert not [name for name in ("Anaïs", "Kerbrat", "Annaïg", "Lozac") if name.casefold() in text.casefold()]
    assert balance(api, paul) == 35
    assert api.ok("GET", f"/clients/{paul}/ledger")["items"][0]["description"] == "Merci pour [erased]"


@pytest.mark.postgresql_only  # SQLite runs one writer at a time: no two transactions to interleave
def test_a_sale_given_the_client_during_an_erasure_waits_for_it_and_is_refused(app, live_api, database_url, backend):
    """PostgreSQL: while an erasure holds the client's row (as erase_client does, for update), a till giving
    that client a sale waits, then finds the client erased; it never slips an open sale in beside it."""
    import threading
    import time

    from sqlalchemy import create_engine, text

    add_item(live_api, "CUT", "Coupe", "40.00")
    person = new_client(live_api, "Zéphyrine", "Quistrebert")["id"]
    engine = create_engine(database_url)
    answers = []
    with engine.connect() as erasing:
        erasing.execute(text("SELECT id FROM clients WHERE id = :id FOR UPDATE"), {"id": person})
        till = threading.Thread(target=lambda: answers.append(live_api.call(
            "POST", "/sales", {"client_id": person, "lines": [{"code": "CUT", "quantity": 1}]})))
        till.start()
        deadline = time.monotonic() + 20
        with engine.connect() as watching:  # the till's transaction waits on the row's lock
            while not watching.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                            " AND wait_event_type = 'Lock'")).scalar():
                assert time.monotonic() < deadline and till.is_alive(), f"the till did not wait: {answers}"
                time.sleep(0.02)
        erasing.execute(text("UPDATE clients SET erased_at = now(), first_name = '', last_name = '' WHERE id = :id"),
                        {"id": person})
        erasing.commit()
    till.join(timeout=20)
    with engine.connect() as reading:
        sales = reading.execute(text("SELECT count(*) FROM sales WHERE client_id = :id"), {"id": person}).scalar()
    engine.dispose()
    status, answer = answers[0]
    assert (status, answer["error"]["code"]) == (422, "client_erased")
    assert sales == 0
