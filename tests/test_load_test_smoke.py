"""The load test of issue 14 (benchmarks/load_test.py), short: tills against gunicorn on PostgreSQL, plain and
with workers SIGKILLed and the database connections cut; its own checks of the books must all come out 0."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "load_test.py"
MUST_BE_ZERO = ("errors", "inconsistent accounts", "sales paid twice", "sales whose entries are not their points",
                "sales paid unknown to their till", "sales a till paid left unpaid", "sales no till made",
                "keys stuck", "successes with no answer kept")


def run_load_test(url: str, tmp_path: Path, *options: str) -> tuple[dict, str]:
    figures = tmp_path / "figures.json"
    done = subprocess.run([sys.executable, str(SCRIPT), "--database-url", url, "--json", str(figures),
                           "--tills", "4", "--clients", "12", "--workers", "2", *options],
                          capture_output=True, text=True, timeout=240)
    assert figures.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads(figures.read_text())
    assert done.returncode == (0 if results["verdict"] == "PASS" else 1), done.stderr[-3000:]
    return results, done.stdout


def test_tills_at_once_sell_without_an_error_and_the_books_balance(postgres_url, tmp_path):
    results, printed = run_load_test(postgres_url, tmp_path, "--seconds", "3")
    assert results["sales paid"] > 0 and results["sales paid"] == results["sales"], printed
    assert {name: results[name] for name in MUST_BE_ZERO} == dict.fromkeys(MUST_BE_ZERO, 0), printed
    assert results["verdict"] == "PASS" and "PASS  load test:" in printed
    for step in ("create", "pay"):
        assert f"{step:<7} p50" in printed
    assert "sales per second:" in printed
    check_the_checks(postgres_url)


def check_the_checks(url: str) -> None:
    """The books the load test left, read by its own checks, then spoilt: each spoilt thing is counted."""
    import psycopg

    sys.path.insert(0, str(SCRIPT.parent))
    import load_test

    with psycopg.connect(url, autocommit=True) as connection:
        sales = [row[0] for row in connection.execute("SELECT id FROM sales")]
        seen = load_test.TillRecord(made=set(sales), paid=set(sales))
        app = load_test.make_app(url)
        before = load_test.check_books(app, [seen])
        assert {name: before[name] for name in MUST_BE_ZERO if name != "errors"} == dict.fromkeys(
            set(MUST_BE_ZERO) - {"errors"}, 0)
        spoilt = {connection.execute("UPDATE points_accounts SET held = held + 1 WHERE id = "
                                     "(SELECT max(id) FROM points_accounts) RETURNING id").fetchone()[0]}
        connection.execute("INSERT INTO payments (sale_id, amount, tendered, method, at) "
                           "SELECT sale_id, amount, tendered, method, at FROM payments ORDER BY id LIMIT 1")
        spoilt.add(connection.execute(  # the sale's earn entry a second time: a double credit
            "INSERT INTO ledger_entries (account_id, at, kind, points, description, sale_id, staff) "
            "SELECT account_id, at, kind, points, description, sale_id, staff FROM ledger_entries "
            "WHERE kind = 'earn' AND points > 0 ORDER BY id LIMIT 1 RETURNING account_id").fetchone()[0])
        connection.execute("UPDATE idempotency_records SET status_code = 0 WHERE id = "
                           "(SELECT min(id) FROM idempotency_records)")
    answered_unkept = load_test.TillRecord(made=set(sales[1:]), paid=set(), answered_keys={"a key never stored"})
    after = load_test.check_books(app, [answered_unkept])
    assert after["inconsistent accounts"] == len(spoilt)
    assert (after["sales paid twice"], after["sales whose entries are not their points"], after["keys stuck"]) == (1, 1, 1)
    assert after["sales no till made"] == 1 and after["sales paid unknown to their till"] == len(sales)
    assert after["successes with no answer kept"] == 1


def test_killed_workers_and_cut_connections_lose_no_sale_and_pay_none_twice(postgres_url, tmp_path):
    results, printed = run_load_test(postgres_url, tmp_path, "--seconds", "5", "--faults")
    assert results["workers killed"] >= 2 and results["database connections cut"] >= 1, printed
    assert results["sales paid"] > 0, printed
    assert {name: results[name] for name in MUST_BE_ZERO} == dict.fromkeys(MUST_BE_ZERO, 0), printed
    assert results["verdict"] == "PASS" and "PASS  load test with faults:" in printed
