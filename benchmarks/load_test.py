"""The load test of issue 14: many tills at once against gunicorn on PostgreSQL, then the books checked.

    python benchmarks/load_test.py [--tills 32] [--seconds 60] [--clients 200] [--workers 4] [--threads 4]
                                   [--faults] [--no-preload] [--database-url URL] [--json FILE]

gunicorn (gthread workers, --preload: the master loads the app once and a killed worker is replaced by a
fork at once) serves the app on a loopback port, on a PostgreSQL database made for the run (or the empty,
migrated one --database-url names). Each till is a thread with a till token of its own
(a till of its own, as a salon's tills each have one) doing whole checkouts through the JSON API: a sale
for a client with a colour service (a category rule is in force) and a cut or a product, a reward redeemed
for about one sale in three, the payment. Every write carries an Idempotency-Key, and a call that fails
(connection error, 5xx) is sent again with the same key, as a host POS does.

It prints sales per second, the p50 and p99 of each step (as a till waits: retries included), the errors
(a call that failed for good, or answered what a till does not expect) and then reads the database: every
account's balance against its ledger and its open lots, its held points against the rewards held; every
sale paid once or not at all, its entries equal to its points, known to a till (a create replayed never
makes a second sale); no Idempotency-Key left claimed without an answer, and every write a till saw
succeed kept for a replay. With --faults a thread SIGKILLs one gunicorn worker every two seconds (its
master starts another) and, once mid-run, ends every database connection of the app. The exit status is
1 when any count that must be 0 is not (or, with --faults, when no worker was killed or nothing was cut).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import requests
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from databases import DROP_SCRIPT, POSTGRES_ADMIN_URL, postgres_unavailable_reason  # noqa: E402
from run import database_url, make_app, summary  # noqa: E402

STEPS = ("create", "redeem", "pay")
REDEEM_SHARE = 1 / 3
OPENING_POINTS = 500
REWARD_COST = 50
KILL_EVERY_S = 2.0
RETRY_FOR_S = 60.0  # a till keeps retrying a call this long (a new worker loads the app in seconds)


# The counts that must be 0, in the order they are printed.
MUST_BE_ZERO = ("errors", "inconsistent accounts", "sales paid twice", "sales whose entries are not their points",
                "sales paid unknown to their till", "sales a till paid left unpaid", "sales no till made",
                "keys stuck", "successes with no answer kept")


def set_up(app, tills: int, clients: int) -> dict:
    """The salon through the services themselves: a catalogue, a category rule, a reward, clients with an
    opening balance, one till token per till."""
    from pos_loyalty.extensions import db
    from pos_loyalty.services import catalogue, loyalty, program
    from pos_loyalty.services import clients as client_service
    from pos_loyalty.services.actor import Actor
    from pos_loyalty.services.setup import ensure_salon
    from pos_loyalty.services.staff import create_token
    from pos_loyalty.services.transaction import transaction

    with app.app_context(), transaction():  # one commit: each use case below joins this transaction
        salon = ensure_salon(name="Load test salon")
        manager = Actor("load test", "manager", salon.id)
        for code, name, kind, category, price in (
                ("COUL", "Couleur racines", "service", "colour", "55.00"), ("CF", "Coupe femme", "service", "cut", "42.00"),
                ("SHAMP", "Shampooing 250 ml", "product", "retail", "18.90")):
            catalogue.create_item(manager, {"code": code, "name": name, "kind": kind, "category": category,
                                            "price": Decimal(price)})
        program.create_rule(manager, "category", {"category": "colour", "points": 20})
        reward = program.create_reward(manager, {"name": "5 € off", "kind": "amount_off", "value": "5.00",
                                                 "points_cost": REWARD_COST})
        client_ids = []
        for number in range(clients):
            client = client_service.create_client(manager, {"first_name": "Load", "last_name": f"Client {number}"})
            loyalty.adjust_points(manager, client.id, OPENING_POINTS, "opening balance")
            client_ids.append(client.id)
        tokens = [create_token("till", f"load till {n + 1}", f"load-{n + 1}")[1] for n in range(tills)]
        reward_id = reward.id
    with app.app_context():
        db.engine.dispose()
    return {"clients": client_ids, "tokens": tokens, "reward_id": reward_id}


class Gunicorn:
    """gunicorn on a loopback socket bound here and handed over (fd://): no other process can take the port.
    Each worker marks itself ready in a folder once the app is loaded (benchmarks/load_test_gunicorn.py)."""

    def __init__(self, url: str, workers: int, threads: int, preload: bool):
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable))
        if gunicorn is None:
            raise SystemExit("gunicorn is not installed: pip install -e '.[test]'")
        self.ready_folder = Path(tempfile.mkdtemp(prefix="pl-load-ready-"))
        self.log = tempfile.TemporaryFile(mode="w+")  # gunicorn's errors, shown if it does not start
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        self.port = listener.getsockname()[1]
        env = {**os.environ, "POS_LOYALTY_DATABASE_URL": url, "POS_LOYALTY_SECRET_KEY": "load-test",
               "POS_LOYALTY_LOAD_TEST_READY": str(self.ready_folder)}
        self.process = subprocess.Popen(
            [gunicorn, "--config", str(ROOT / "benchmarks" / "load_test_gunicorn.py"), "--workers", str(workers),
             "--worker-class", "gthread", "--threads", str(threads), "--bind", f"fd://{listener.fileno()}",
             "--graceful-timeout", "5", "--log-level", "error", *(["--preload"] if preload else []),
             "pos_loyalty:create_app()"],
            env=env, stdout=subprocess.DEVNULL, stderr=self.log, pass_fds=(listener.fileno(),))
        listener.close()  # gunicorn holds its own descriptor of it
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers, self.preload = workers, preload

    def worker_pids(self) -> list[int]:
        """The master's children right now (Linux)."""
        try:
            text = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def ready_workers(self) -> list[int]:
        """The workers alive that have loaded the app."""
        ready = {int(path.name) for path in self.ready_folder.iterdir()}
        return [pid for pid in self.worker_pids() if pid in ready]

    def wait_ready(self, seconds: float = 180) -> None:
        """Until every worker has loaded the app."""
        deadline = time.monotonic() + seconds
        while len(self.ready_workers()) < self.workers:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.log.seek(0)
                raise SystemExit(f"gunicorn's {self.workers} workers did not start (exit status "
                                 f"{self.process.poll()}):\n{self.log.read()[-3000:]}")
            time.sleep(0.05)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.ready_folder, ignore_errors=True)
        self.log.close()


@dataclass
class TillRecord:
    """What one till saw: its timings, the sales it made and paid, and what went wrong."""

    timings: dict = field(default_factory=lambda: {step: [] for step in STEPS})
    made: set = field(default_factory=set)
    answered_keys: set = field(default_factory=set)  # the keys of the writes that succeeded
    paid: set = field(default_factory=set)
    retries: Counter = field(default_factory=Counter)  # why calls were sent again
    replays: int = 0
    refused_redemptions: int = 0
    errors: list = field(default_factory=list)


class Till(threading.Thread):
    def __init__(self, number: int, base: str, token: str, setup: dict, until: float, seed: int):
        super().__init__(name=f"till-{number}", daemon=True)
        self.number, self.base, self.until = number, base, until
        self.client_ids, self.reward_id = setup["clients"], setup["reward_id"]
        self.rng = random.Random(seed)
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.record = TillRecord()

    def call(self, step: str, path: str, body: dict, key: str) -> requests.Response | None:
        """POST with an Idempotency-Key; sent again with the same key while the server cannot answer.
        The step's time is the till's: from the first attempt to the answer, retries included."""
        started = time.perf_counter()
        give_up = time.monotonic() + RETRY_FOR_S
        attempt = 0
        while True:
            attempt += 1
            problem = None
            try:
                answer = self.session.post(self.base + "/api/v1" + path, json=body, timeout=30,
                                           headers={"Idempotency-Key": key})
                if answer.status_code < 500:
                    if attempt > 1 and answer.headers.get("Idempotent-Replayed") == "true":
                        self.record.replays += 1
                    self.record.timings[step].append((time.perf_counter() - started) * 1000)
                    if answer.status_code < 400:
                        self.record.answered_keys.add(key)
                    return answer
                problem = f"HTTP {answer.status_code}"
            except requests.RequestException as error:  # the worker died, the connection was cut
                problem = type(error).__name__
                self.session.close()  # a fresh connection for the next attempt
            if time.monotonic() > give_up:
                self.record.errors.append(f"{step} {path}: gave up after {attempt} attempts ({problem})")
                return None
            self.record.retries[problem] += 1
            time.sleep(min(0.05 * attempt, 0.5))  # a host POS backs off a little before it tries again

    def run(self) -> None:
        number = 0
        while time.monotonic() < self.until:
            number += 1
            try:
                self.checkout(f"till{self.number}-sale{number}")
            except Exception as error:  # noqa: BLE001 - a till's surprise is an error to count, not a crash
                self.record.errors.append(f"{type(error).__name__}: {error}")

    def checkout(self, prefix: str) -> None:
        client_id = self.rng.choice(self.client_ids)
        lines = [{"code": "COUL", "quantity": 1}, {"code": self.rng.choice(("CF", "SHAMP")), "quantity": 1}]
        answer = self.call("create", "/sales", {"client_id": client_id, "lines": lines}, prefix + "-create")
        if not self.expect(answer, 201, "create"):
            return
        sale = answer.json()
        self.record.made.add(sale["id"])
        if self.rng.random() < REDEEM_SHARE:
            answer = self.call("redeem", f"/sales/{sale['id']}/redemptions", {"reward_id": self.reward_id},
                               prefix + "-redeem")
            if answer is not None and answer.status_code == 409 and (answer.json().get("error") or {}).get(
                    "code") == "insufficient_points":  # other tills spent the client's points first
                self.record.refused_redemptions += 1
            elif not self.expect(answer, 201, "redeem"):
                return
            else:
                sale = answer.json()
        answer = self.call("pay", f"/sales/{sale['id']}/payments", {"amount": sale["due"], "method": "card"},
                           prefix + "-pay")
        if self.expect(answer, 201, "pay"):
            if answer.json()["status"] == "paid":
                self.record.paid.add(sale["id"])
            else:
                self.record.errors.append(f"pay: sale {sale['id']} still {answer.json()['status']}")

    def expect(self, answer: requests.Response | None, status: int, step: str) -> bool:
        if answer is None:
            return False  # counted by call()
        if answer.status_code != status:
            self.record.errors.append(f"{step}: {answer.status_code} {answer.text[:200]}")
            return False
        return True


class Faults(threading.Thread):
    """SIGKILL one worker every two seconds; once, halfway, end every connection to the run's database."""

    def __init__(self, server: Gunicorn, url: str, started: float, until: float):
        super().__init__(name="faults", daemon=True)
        self.server, self.database = server, url.rsplit("/", 1)[1]
        self.started, self.until = started, until
        self.kills = 0
        self.connections_cut = 0  # backends ended, at the one cut
        self.cut_done = False
        self.stop = threading.Event()
        self.rng = random.Random(14)

    def run(self) -> None:
        halfway = self.started + (self.until - self.started) / 2
        next_kill = self.started + KILL_EVERY_S
        while True:
            next_event = next_kill if self.cut_done else min(next_kill, halfway)
            if next_event >= self.until or self.stop.wait(max(0.0, next_event - time.monotonic())):
                return
            if not self.cut_done and time.monotonic() >= halfway:
                self.cut_connections()
            if time.monotonic() >= next_kill:
                self.kill_a_worker()
                next_kill += KILL_EVERY_S

    def kill_a_worker(self) -> None:
        """One that serves, when there is one: a worker still loading the app has no request to lose."""
        pids = self.server.ready_workers() or self.server.worker_pids()
        if pids:
            try:
                os.kill(self.rng.choice(pids), signal.SIGKILL)
                self.kills += 1
            except ProcessLookupError:
                pass  # it had just gone

    def cut_connections(self) -> None:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            self.connections_cut = admin.execute(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()", (self.database,)).fetchone()[0]
        self.cut_done = True


def check_books(app, tills: list[TillRecord]) -> dict:
    """Read straight from the database once the load is over."""
    from sqlalchemy import case, func, or_, select

    from pos_loyalty.extensions import db
    from pos_loyalty.models import IdempotencyRecord, LedgerEntry, Payment, PointsAccount, PointsLot, Redemption, Sale

    made = set().union(*(till.made for till in tills))
    answered = set().union(*(till.answered_keys for till in tills))
    paid_seen = set().union(*(till.paid for till in tills))
    with app.app_context():
        ledger = (select(LedgerEntry.account_id, func.sum(LedgerEntry.points).label("points"))
                  .group_by(LedgerEntry.account_id).subquery())
        lots = (select(PointsLot.account_id, func.sum(PointsLot.remaining).label("points"))
                .where(PointsLot.remaining > 0).group_by(PointsLot.account_id).subquery())
        held = (select(Redemption.account_id, func.sum(Redemption.points_cost).label("points"))
                .where(Redemption.status == "held").group_by(Redemption.account_id).subquery())
        inconsistent = db.session.scalar(
            select(func.count(PointsAccount.id))
            .outerjoin(ledger, ledger.c.account_id == PointsAccount.id)
            .outerjoin(lots, lots.c.account_id == PointsAccount.id)
            .outerjoin(held, held.c.account_id == PointsAccount.id)
            .where(or_(PointsAccount.balance != func.coalesce(ledger.c.points, 0),
                       PointsAccount.balance != func.coalesce(lots.c.points, 0) - PointsAccount.debt,
                       PointsAccount.held != func.coalesce(held.c.points, 0))))
        accounts = db.session.scalar(select(func.count(PointsAccount.id)))
        payments = dict(db.session.execute(select(Payment.sale_id, func.count(Payment.id)).group_by(Payment.sale_id)).all())
        sales = dict(db.session.execute(select(Sale.id, Sale.status)).all())
        # Each sale's entries on its client's account against the points it shows: a credit or a deduction
        # written twice (or for a sale that was never paid) makes them differ.
        moved = (select(LedgerEntry.sale_id,
                        func.sum(case((LedgerEntry.points > 0, LedgerEntry.points), else_=0)).label("earned"),
                        func.sum(case((LedgerEntry.kind == "redeem", -LedgerEntry.points), else_=0)).label("redeemed"))
                 .join(PointsAccount, PointsAccount.id == LedgerEntry.account_id)
                 .join(Sale, Sale.id == LedgerEntry.sale_id)
                 .where(PointsAccount.client_id == Sale.client_id).group_by(LedgerEntry.sale_id).subquery())
        wrong_points = db.session.scalar(
            select(func.count(Sale.id)).outerjoin(moved, moved.c.sale_id == Sale.id)
            .where(or_(func.coalesce(moved.c.earned, 0) != Sale.points_earned,
                       func.coalesce(moved.c.redeemed, 0) != Sale.points_redeemed)))
        # A key is claimed with status 0 and given its answer in the same transaction: 0 left means stuck.
        stuck = db.session.scalar(select(func.count(IdempotencyRecord.id)).where(IdempotencyRecord.status_code == 0))
        keys = set(db.session.scalars(select(IdempotencyRecord.key)))
        db.session.rollback()
        db.engine.dispose()
    paid_in_db = {sale_id for sale_id, status in sales.items() if status == "paid"}
    return {
        "accounts": accounts, "inconsistent accounts": inconsistent,
        "sales": len(sales), "sales paid": len(paid_in_db), "sales left open": sum(s == "open" for s in sales.values()),
        "sales paid twice": sum(count > 1 for count in payments.values()),
        "sales whose entries are not their points": wrong_points,
        "sales paid unknown to their till": len(paid_in_db - paid_seen),
        "sales a till paid left unpaid": len(paid_seen - paid_in_db),
        "sales no till made": len(set(sales) - made),
        "idempotency keys": len(keys), "keys stuck": stuck,
        "successes with no answer kept": len(answered - keys),  # a retry of those would do the work again
    }


def drop_later(url: str) -> None:
    """DROP DATABASE forces a checkpoint: done by a process of its own that nobody waits for."""
    subprocess.Popen([sys.executable, "-c", DROP_SCRIPT, POSTGRES_ADMIN_URL, url.rsplit("/", 1)[1]],
                     start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tills", type=int, default=32, help="concurrent tills (threads), 1 to 64")
    parser.add_argument("--seconds", type=float, default=60, help="how long the tills sell, 1 to 600")
    parser.add_argument("--clients", type=int, default=200, help="clients the tills sell to, 1 to 5000")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes, 1 to 16")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker, 1 to 16")
    parser.add_argument("--no-preload", action="store_true",
                        help="each gunicorn worker loads the app itself (a killed worker's replacement takes seconds)")
    parser.add_argument("--faults", action="store_true",
                        help="SIGKILL a worker every 2 s and cut the database connections once mid-run")
    parser.add_argument("--database-url", help="an empty, migrated PostgreSQL database to use (kept after)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    for name, low, high in (("tills", 1, 64), ("seconds", 1, 600), ("clients", 1, 5000), ("workers", 1, 16),
                            ("threads", 1, 16)):
        if not low <= getattr(options, name) <= high:
            parser.error(f"--{name} must be between {low} and {high}")
    if options.workers * options.threads > 64:  # a database connection each, and PostgreSQL allows 100 in all
        parser.error("--workers × --threads must be at most 64")
    reason = postgres_unavailable_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    if options.database_url:
        named = make_url(options.database_url)
        if named.get_backend_name() != "postgresql" or named.host not in ("127.0.0.1", "localhost", "::1"):
            parser.error("--database-url: a postgresql:// URL on 127.0.0.1 (the load test stays on loopback)")
    url = options.database_url or database_url("postgresql", Path("."), "load")

    began = time.monotonic()
    app = make_app(url)
    server = Gunicorn(url, options.workers, options.threads, not options.no_preload)  # loads while we set up
    faults = None
    try:
        setup = set_up(app, options.tills, options.clients)
        set_up_s = time.monotonic() - began
        server.wait_ready()
        started = time.monotonic()
        boot_s = started - began - set_up_s
        until = started + options.seconds
        tills = [Till(n + 1, server.url, token, setup, until, seed=n) for n, token in enumerate(setup["tokens"])]
        if options.faults:
            faults = Faults(server, url, started, until)
            faults.start()
        for till in tills:
            till.start()
        for till in tills:
            till.join()
        elapsed = time.monotonic() - started  # the last checkouts end a little after `until`
        if faults:
            faults.stop.set()
            faults.join()
    finally:
        server.stop()
    records = [till.record for till in tills]
    books = check_books(app, records)
    if not options.database_url:
        drop_later(url)

    errors = [error for record in records for error in record.errors]
    results = {
        "tills": options.tills, "seconds": round(elapsed, 1), "clients": options.clients,
        "workers": options.workers, "threads": options.threads, "preload": not options.no_preload,
        "faults": options.faults,
        "set up s": round(set_up_s, 1), "server start s": round(boot_s, 1),
        "sales per second": round(sum(len(r.paid) for r in records) / elapsed, 1),
        "steps": {step: summary(samples) for step in STEPS
                  if (samples := [t for r in records for t in r.timings[step]])},
        "errors": len(errors),
        "retried calls": sum(sum(r.retries.values()) for r in records),
        "retried because": dict(sum((r.retries for r in records), Counter()).most_common()), "replayed answers": sum(r.replays for r in records),
        "redemptions refused (not enough points)": sum(r.refused_redemptions for r in records),
        **books,
    }
    if faults:
        results["workers killed"] = faults.kills
        results["database connections cut"] = faults.connections_cut
    # A fault run whose faults did not happen proves nothing.
    faults_happened = not faults or (faults.kills > 0 and faults.connections_cut > 0)
    results["verdict"] = "PASS" if faults_happened and all(results[name] == 0 for name in MUST_BE_ZERO) else "FAIL"

    mode = " with faults" if options.faults else ""
    print(f"pos_loyalty load test{mode}: {options.tills} tills, {options.clients} clients, gunicorn "
          f"{options.workers} workers × {options.threads} threads{'' if options.no_preload else ' (preload)'} on "
          f"PostgreSQL, {results['seconds']} s")
    print(f"  sales per second: {results['sales per second']} ({results['sales paid']} sales paid)")
    for step, figure in results["steps"].items():
        print(f"  {step:<7} p50 {figure['median_ms']:>8} ms   p99 {figure['p99_ms']:>8} ms   n {figure['n']}")
    if faults:
        print(f"  workers killed: {faults.kills}; database connections cut: {faults.connections_cut} (once)")
    print(f"  (database and salon set up in {results['set up s']} s, gunicorn up {results['server start s']} s later)")
    print(f"  retried calls: {results['retried calls']}; replayed answers: {results['replayed answers']}; "
          f"redemptions refused (not enough points): {results['redemptions refused (not enough points)']}")
    if results["retried because"]:
        print("  retried because: " + ", ".join(f"{cause} × {count}" for cause, count in results["retried because"].items()))
    print(f"  sales: {results['sales']}, paid {results['sales paid']}, left open {results['sales left open']}; "
          f"accounts: {results['accounts']}; idempotency keys: {results['idempotency keys']}")
    for name in MUST_BE_ZERO:
        print(f"  {name}: {results[name]}")
    for error in errors[:10]:
        print(f"    {error}")
    print(f"{results['verdict']}  load test{mode}: " + ", ".join(f"{results[name]} {name}" for name in MUST_BE_ZERO))
    if options.json:
        options.json.write_text(json.dumps(results, indent=2))
    return 0 if results["verdict"] == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
