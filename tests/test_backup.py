"""`pos-loyalty backup` makes a consistent copy while a till keeps selling; `restore` brings it back."""
import threading
import time

from sqlalchemy import select

from pos_loyalty import backup as backup_module
from pos_loyalty.extensions import db
from pos_loyalty.models import LedgerEntry, PointsAccount, PointsLot, Sale
from salon_setup import add_item, new_client, sell

SALES_DURING_BACKUP = 2


def books(app) -> dict:
    """Everything a sale writes, row by row: two states are the same state only if these are equal."""
    with app.app_context():
        state = {
            "sales": db.session.execute(select(Sale.id, Sale.status, Sale.points_earned, Sale.balance_after)
                                        .order_by(Sale.id)).all(),
            "ledger": db.session.execute(select(LedgerEntry.id, LedgerEntry.account_id, LedgerEntry.kind,
                                                LedgerEntry.points, LedgerEntry.sale_id)
                                         .order_by(LedgerEntry.id)).all(),
            "lots": db.session.execute(select(PointsLot.id, PointsLot.account_id, PointsLot.points,
                                              PointsLot.remaining).order_by(PointsLot.id)).all(),
            "accounts": db.session.execute(select(PointsAccount.id, PointsAccount.balance, PointsAccount.held)
                                           .order_by(PointsAccount.id)).all(),
        }
        db.session.remove()
    return state


def assert_whole(state: dict) -> None:
    """No half sale: every paid sale has its earn entry, every balance is the sum of its ledger."""
    for sale_id, status, points_earned, _ in state["sales"]:
        earned = sum(points for _, _, kind, points, entry_sale in state["ledger"]
                     if entry_sale == sale_id and kind == "earn")
        assert earned == (points_earned if status == "paid" else 0), (sale_id, status)
    for account_id, balance, _ in state["accounts"]:
        assert balance == sum(points for _, owner, _, points, _ in state["ledger"] if owner == account_id)


def wait_until(condition, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


class PausedBackup:
    """Runs the backup in a thread and holds it mid-copy until `resume()`, so that what the test does in
    between happens after the copy started and before it ended.

    SQLite: the first progress step waits (the online backup has copied some pages and goes on after).
    PostgreSQL: pg_dump has taken its snapshot and queues for a lock the test holds on a table no sale
    touches (it locks every table it dumps); sales go on meanwhile, as they would at a till.
    """

    def __init__(self, app, target: str, monkeypatch):
        self.app, self.target = app, target
        self.url = app.config["SQLALCHEMY_DATABASE_URI"]
        self.postgres = self.url.startswith("postgresql")
        self.paused, self.released, self.done = threading.Event(), threading.Event(), threading.Event()
        self.failure: BaseException | None = None
        if self.postgres:
            import psycopg

            self.gate = psycopg.connect(backup_module._libpq_url(self.url))
            self.gate.execute("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE")
        else:
            monkeypatch.setattr(backup_module, "STEP_PAGES", 2)  # many steps: the copy is under way at the first
        self.thread = threading.Thread(target=self._run)

    def _progress(self, done: int, total: int) -> None:
        if not self.paused.is_set():
            assert done < total, "the copy was finished at its first step: nothing to sell during"
            self.paused.set()
            assert self.released.wait(timeout=30), "the test never resumed the backup"

    def _run(self) -> None:
        try:
            with self.app.app_context():
                backup_module.backup(self.url, self.target, None if self.postgres else self._progress)
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            self.failure = error
        finally:
            self.done.set()

    def _pg_dump_waits(self) -> bool:
        import psycopg

        # A connection of its own: inside the gate's transaction the activity view is read once and kept.
        with psycopg.connect(backup_module._libpq_url(self.url), autocommit=True) as watcher:
            row = watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                  "AND application_name = 'pg_dump' AND wait_event_type = 'Lock'").fetchone()
        return row[0] == 1

    def start(self) -> None:
        self.thread.start()
        if self.postgres:
            wait_until(lambda: self._pg_dump_waits() or self.done.is_set(), "pg_dump never queued for the lock")
            assert not self.done.is_set(), f"pg_dump ended without waiting: {self.failure}"
        else:
            wait_until(lambda: self.paused.is_set() or self.done.is_set(), "the backup never made a step")
            assert self.paused.is_set(), f"the backup ended without a progress step: {self.failure}"

    def still_running(self) -> bool:
        return self.thread.is_alive() and not self.done.is_set()

    def resume(self) -> None:
        if self.postgres:
            self.gate.rollback()
            self.gate.close()
        self.released.set()
        self.thread.join(timeout=60)
        assert not self.thread.is_alive(), "the backup did not finish"
        if self.failure:
            raise self.failure


def test_backup_while_selling_then_restore(app, api, tmp_path, monkeypatch):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    client = new_client(api, "Hélène", "Dupré")
    for _ in range(3):
        sell(api, client["id"], ("CUT", 1, "40.00"))
    target = tmp_path / "copy.backup"

    backup = PausedBackup(app, str(target), monkeypatch)
    observed = [books(app)]  # every state the database is in while the copy runs
    backup.start()
    for _ in range(SALES_DURING_BACKUP):  # another till keeps selling: open, then paid, two commits each
        sale = api.ok("POST", "/sales", {"client_id": client["id"], "lines": [{"code": "CUT", "quantity": 1}]})
        observed.append(books(app))
        api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "40.00", "method": "cash"})
        observed.append(books(app))
        assert backup.still_running()  # committed after the copy started and before it ended
    backup.resume()
    assert target.exists()
    assert len(observed[-1]["sales"]) == len(observed[0]["sales"]) + SALES_DURING_BACKUP
    for state in observed:
        assert_whole(state)

    sell(api, client["id"], ("CUT", 1, "40.00"))  # after the copy: the restore must take this one away
    after_backup = books(app)
    assert after_backup not in observed

    with app.app_context():
        db.engine.dispose()
    result = app.test_cli_runner().invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
    restored = books(app)
    assert restored in observed, "the copy is not the database as it was at one moment of the backup"
    assert_whole(restored)
    paid = sum(1 for _, status, _, _ in restored["sales"] if status == "paid")
    assert api.ok("GET", f"/clients/{client['id']}/loyalty")["balance"] == 40 * paid


def test_backup_refuses_to_overwrite_and_restore_refuses_garbage(app, tmp_path):
    existing = tmp_path / "exists.backup"
    existing.write_text("x")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(existing)])
    assert result.exit_code != 0 and "exists already" in result.output
    result = runner.invoke(args=["restore", str(existing), "--yes"])
    assert result.exit_code != 0
    assert "not restored" in result.output or "failed" in result.output or "not a pos_loyalty" in result.output
