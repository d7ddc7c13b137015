"""Several tills at once against gunicorn workers on PostgreSQL: no overdraw, exact holds, one credit per
replayed payment, and a worker killed mid-payment leaves the whole sale or none of it."""
from __future__ import annotations

import os
import random
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from pos_loyalty import create_app
from pos_loyalty.extensions import db

from .conftest import call

CLIENTS = 4
POINTS_EACH = 500
REWARD_COST = 100  # so exactly 5 rewards per client can be paid for
PROCESSES = 6
ATTEMPTS_PER_PROCESS = 8


def prepare(database_url: str) -> tuple[str, str, list[int], int]:
    """Catalogue, a reward that pays a whole 10 € sale (so sales earn nothing), clients with 500 points."""
    from pos_loyalty.services import catalogue, clients, loyalty, program
    from pos_loyalty.services.actor import Actor
    from pos_loyalty.services.setup import ensure_salon
    from pos_loyalty.services.staff import create_token

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x"})
    with app.app_context():
        salon = ensure_salon()
        manager = Actor("setup", "manager", salon.id)
        catalogue.create_item(manager, {"code": "CUT", "name": "Cut", "kind": "service", "category": "cut",
                                        "price": Decimal("10.00")})
        reward = program.create_reward(manager, {"name": "Free cut", "kind": "amount_off", "value": "10.00",
                                                 "points_cost": REWARD_COST})
        ids = []
        for number in range(CLIENTS):
            client = clients.create_client(manager, {"first_name": "Client", "last_name": f"N{number}"})
            loyalty.adjust_points(manager, client.id, POINTS_EACH, "opening balance")
            ids.append(client.id)
        till_token = create_token("till", "till-1")[1]
        manager_token = create_token("manager", "boss")[1]
        reward_id = reward.id
        db.engine.dispose()
    return till_token, manager_token, ids, reward_id


def till_worker(args) -> tuple[list[int], list[int]]:
    """One till: for random clients, open a sale, redeem, pay; gives up (cancels) when refused.
    Returns the clients it tried to redeem for and those it redeemed and paid for."""
    base_url, token, client_ids, reward_id, seed = args
    rng = random.Random(seed)
    tried_for, paid_for = [], []
    for _ in range(ATTEMPTS_PER_PROCESS):
        client_id = rng.choice(client_ids)
        tried_for.append(client_id)
        code, sale = call(base_url, token, "POST", "/sales",
                          {"client_id": client_id, "lines": [{"code": "CUT", "quantity": 1}]})
        assert code == 201, sale
        code, body = call(base_url, token, "POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward_id})
        if code != 201:
            assert code == 409, body
            assert call(base_url, token, "POST", f"/sales/{sale['id']}/cancel")[0] == 200
            continue
        code, body = call(base_url, token, "POST", f"/sales/{sale['id']}/payments",
                          {"amount": "0.00", "method": "card"})
        assert code == 201 and body["status"] == "paid", body
        paid_for.append(client_id)
    return tried_for, paid_for


def books(database_url: str, client_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """(balance, ledger sum, held) per client, read straight from the database; and every account's lots
    hold exactly its balance (a debit taken from a lot read before another till's debit of it would not)."""
    from pos_loyalty.models import LedgerEntry, PointsAccount, PointsLot

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x"})
    with app.app_context():
        result = {}
        for client_id in client_ids:
            account = db.session.scalars(select(PointsAccount).where(PointsAccount.client_id == client_id)).one()
            total = db.session.scalar(select(func.sum(LedgerEntry.points)).where(LedgerEntry.account_id == account.id))
            in_lots = db.session.scalar(select(func.coalesce(func.sum(PointsLot.remaining), 0))
                                        .where(PointsLot.account_id == account.id))
            assert in_lots - account.debt == account.balance, (client_id, in_lots, account.debt, account.balance)
            result[client_id] = (account.balance, total, account.held)
        db.engine.dispose()
    return result


def test_many_tills_redeeming_for_the_same_clients_never_overdraw(gunicorn_server, postgres_url):
    till, _, client_ids, reward_id = prepare(postgres_url)
    jobs = [(gunicorn_server.url, till, client_ids, reward_id, seed) for seed in range(PROCESSES)]
    with ProcessPoolExecutor(PROCESSES) as pool:
        results = list(pool.map(till_worker, jobs))
    tried = [client for attempts, _ in results for client in attempts]
    paid = [client for _, successes in results for client in successes]
    allowed = POINTS_EACH // REWARD_COST
    # The load really contended: some client was asked for more rewards than its points pay for.
    assert any(tried.count(c) > allowed for c in client_ids), tried
    final = books(postgres_url, client_ids)
    for client_id in client_ids:
        redeemed = paid.count(client_id)
        balance, ledger_sum, held = final[client_id]
        # Every hold that succeeded was paid, so a hold is refused only once the points are all spent:
        # exactly as many succeed as the balance allows, never more, never fewer.
        assert redeemed == min(tried.count(client_id), allowed), (client_id, redeemed, tried.count(client_id))
        assert balance == POINTS_EACH - redeemed * REWARD_COST == ledger_sum
        assert balance >= 0 and held == 0


def pay_with_key(args):
    base_url, token, sale_id, key, amount = args
    return call(base_url, token, "POST", f"/sales/{sale_id}/payments", {"amount": amount, "method": "card"}, key=key)


def test_a_payment_replayed_at_once_from_several_tills_credits_once(gunicorn_server, postgres_url):
    till, _, client_ids, _ = prepare(postgres_url)
    code, sale = call(gunicorn_server.url, till, "POST", "/sales",
                      {"client_id": client_ids[0], "lines": [{"code": "CUT", "quantity": 4}]})
    assert code == 201
    with ProcessPoolExecutor(PROCESSES) as pool:
        answers = list(pool.map(pay_with_key, [(gunicorn_server.url, till, sale["id"], "pay-once", "40.00")] * PROCESSES))
    assert {code for code, _ in answers} == {201}
    assert all(body == answers[0][1] for _, body in answers)
    balance, ledger_sum, _ = books(postgres_url, client_ids[:1])[client_ids[0]]
    assert balance == ledger_sum == POINTS_EACH + 40


def test_a_worker_killed_mid_payment_leaves_the_whole_sale_or_none(gunicorn_server, postgres_url):
    till, _, client_ids, reward_id = prepare(postgres_url)
    base, gate = gunicorn_server.url, gunicorn_server.gate
    code, sale = call(base, till, "POST", "/sales",
                      {"client_id": client_ids[0], "lines": [{"code": "CUT", "quantity": 3}]})
    assert call(base, till, "POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward_id})[0] == 201

    open(gate + ".armed", "w").close()
    with ProcessPoolExecutor(1) as pool:
        pending = pool.submit(pay_with_key, (base, till, sale["id"], None, "20.00"))
        deadline = time.monotonic() + 30
        while not os.path.exists(gate + ".reached"):  # the payment is inside its transaction, parked
            assert time.monotonic() < deadline, "the payment never reached the gate"
            time.sleep(0.01)
        os.kill(int(open(gate + ".reached").read()), signal.SIGKILL)
        with pytest.raises(Exception):
            pending.result(timeout=30)  # the connection died with the worker

    code, after = call(base, till, "GET", f"/sales/{sale['id']}")
    assert (after["status"], after["paid"], after["payments"]) == ("open", "0.00", [])
    assert after["redemptions"][0]["status"] == "held"
    assert books(postgres_url, client_ids[:1])[client_ids[0]] == (POINTS_EACH, POINTS_EACH, REWARD_COST)

    code, paid = call(base, till, "POST", f"/sales/{sale['id']}/payments", {"amount": "20.00", "method": "card"})
    assert code == 201 and paid["status"] == "paid"
    expected = POINTS_EACH - REWARD_COST + 20
    assert books(postgres_url, client_ids[:1])[client_ids[0]] == (expected, expected, 0)


def waiting_on_a_lock(database_url: str) -> int:
    """How many sessions of this database wait for a row lock right now."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        return connection.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = "
                                  "'Lock'", (name,)).fetchone()[0]


def test_two_first_sales_paid_at_once_pay_the_referral_bonus_once(gunicorn_server, postgres_url):
    """Two tills pay two first sales of one referred client at the same moment: the second payment waits
    for the first one's locks and must then see that the referral was paid, not what it read before."""
    till, manager, _, _ = prepare(postgres_url)
    base, gate = gunicorn_server.url, gunicorn_server.gate
    assert call(base, manager, "PATCH", "/program", {"referrer_bonus": 30, "welcome_bonus": 10})[0] == 200
    code, paul = call(base, till, "POST", "/clients", {"first_name": "Paul", "last_name": "Martin"})
    code, sophie = call(base, till, "POST", "/clients", {"first_name": "Sophie", "last_name": "Martin",
                                                         "referred_by": paul["referral_code"]})
    assert code == 201
    sales = [call(base, till, "POST", "/sales", {"client_id": sophie["id"], "lines": [{"code": "CUT", "quantity": 1}]})[1]
             for _ in range(2)]

    open(gate + ".armed", "w").close()
    with ProcessPoolExecutor(2) as pool:
        first = pool.submit(pay_with_key, (base, till, sales[0]["id"], None, "10.00"))
        deadline = time.monotonic() + 30
        while not os.path.exists(gate + ".reached"):  # the first payment holds the locks, parked
            assert time.monotonic() < deadline, "the first payment never reached the gate"
            time.sleep(0.01)
        second = pool.submit(pay_with_key, (base, till, sales[1]["id"], None, "10.00"))
        while not waiting_on_a_lock(postgres_url):  # the second has read what it reads and waits
            assert time.monotonic() < deadline, "the second payment never waited for the lock"
            time.sleep(0.01)
        open(gate + ".release", "w").close()
        answers = [first.result(timeout=30), second.result(timeout=30)]
    assert [code for code, _ in answers] == [201, 201]
    assert books(postgres_url, [paul["id"]])[paul["id"]][:2] == (30, 30)  # one referrer bonus
    assert books(postgres_url, [sophie["id"]])[sophie["id"]][:2] == (10 + 10 + 10, 30)  # one welcome bonus


def hold(args):
    base_url, token, sale_id, reward_id, grant_id = args
    return call(base_url, token, "POST", f"/sales/{sale_id}/redemptions", {"reward_id": reward_id, "grant_id": grant_id})


def test_one_granted_reward_applied_at_two_tills_at_once_is_used_once(gunicorn_server, postgres_url):
    import psycopg

    till, manager, client_ids, reward_id = prepare(postgres_url)
    base = gunicorn_server.url
    code, grant = call(base, manager, "POST", f"/clients/{client_ids[0]}/rewards",
                       {"reward_id": reward_id, "reason": "Birthday"})
    assert code == 201, grant
    sales = [call(base, till, "POST", "/sales", {"client_id": client_ids[0], "lines": [{"code": "CUT", "quantity": 1}]})[1]
             for _ in range(2)]
    # Another till holds the client's account for a moment: both holds queue up behind it.
    with psycopg.connect(postgres_url) as blocker:
        blocker.execute("SELECT id FROM points_accounts WHERE client_id = %s FOR UPDATE", (client_ids[0],))
        with ProcessPoolExecutor(2) as pool:
            pending = [pool.submit(hold, (base, till, sale["id"], reward_id, grant["grant_id"])) for sale in sales]
            deadline = time.monotonic() + 30
            while waiting_on_a_lock(postgres_url) < 2:
                assert time.monotonic() < deadline, "the two holds never both waited"
                time.sleep(0.01)
            blocker.commit()
            answers = sorted(future.result(timeout=30)[0] for future in pending)
    assert answers == [201, 409]


def pay(args):
    base_url, token, sale_id, amount = args
    return call(base_url, token, "POST", f"/sales/{sale_id}/payments", {"amount": amount, "method": "card"})


def test_a_payment_waiting_for_another_tills_change_of_the_sale_sees_that_change(gunicorn_server, postgres_url):
    """Another till adds a line to the sale while this one takes the payment: the payment waits for the sale
    and then prices it with that line. The amount typed for one line is only a part payment of two."""
    import psycopg

    till, _, client_ids, _ = prepare(postgres_url)
    base = gunicorn_server.url
    code, sale = call(base, till, "POST", "/sales", {"client_id": client_ids[0], "lines": [{"code": "CUT", "quantity": 1}]})
    assert code == 201 and sale["due"] == "10.00", sale
    with psycopg.connect(postgres_url) as other_till:
        other_till.execute("SELECT id FROM sales WHERE id = %s FOR UPDATE", (sale["id"],))
        other_till.execute("INSERT INTO sale_lines (sale_id, position, code, name, kind, category, quantity,"
                           " unit_price) VALUES (%s, 1, 'CUT', 'Cut', 'service', 'cut', 1, 1000)", (sale["id"],))
        with ProcessPoolExecutor(1) as pool:
            pending = pool.submit(pay, (base, till, sale["id"], "10.00"))
            deadline = time.monotonic() + 30
            while waiting_on_a_lock(postgres_url) < 1:
                assert time.monotonic() < deadline, "the payment never waited for the sale"
                time.sleep(0.01)
            other_till.commit()
            code, paid = pending.result(timeout=30)
    assert code == 201, paid
    assert (paid["status"], paid["sale"]["total"], paid["sale"]["due"]) == ("open", "20.00", "10.00")
    assert [line["position"] for line in paid["sale"]["lines"]] == [0, 1]
