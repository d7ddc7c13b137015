"""Engine settings per database: SQLite serialises writers with immediate transactions and WAL."""
from __future__ import annotations

import weakref

from sqlalchemy import event
from sqlalchemy.engine import Engine


def reads_are_current_under_lock(session) -> bool:
    """Whether a statement that locks rows also reads the rows joined to them as they are now. On SQLite yes:
    every transaction holds the database's write lock from its first statement. On PostgreSQL no: a locking
    statement that waited for another transaction sees the locked rows as they are now but the rows joined
    to them as they were when it began, so what the lock guards is read by a statement of its own once the
    lock is held (services/sales.py get_sale, services/ledger.py open_lots)."""
    return session.get_bind().dialect.name == "sqlite"


def configure_engine(engine: Engine) -> None:
    if getattr(engine, "_pos_loyalty_configured", False):
        return
    engine._pos_loyalty_configured = True
    if engine.dialect.name == "postgresql":
        _keep_prepared_statements(engine)
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control away from pysqlite so BEGIN IMMEDIATE below is what runs.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # The write lock is taken at the start: two tills moving one client's points queue up instead of
        # failing with "database is locked" halfway (SQLite has no SELECT ... FOR UPDATE).
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _keep_prepared_statements(engine: Engine) -> None:
    """A transaction that only read ends with COMMIT instead of ROLLBACK: the same end for PostgreSQL (locks
    released, nothing written), but psycopg forgets every statement it prepared on a connection at each
    ROLLBACK (in case the rollback undid a table they name; this app changes no schema while serving). Reads
    and refused writes ending in ROLLBACK kept PostgreSQL planning every statement of every request afresh:
    a few hundred microseconds each, the biggest share of a checkout step. A transaction that sent anything
    but a SELECT still rolls back."""
    wrote: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # driver connection -> this transaction wrote

    @event.listens_for(engine, "before_cursor_execute")
    def _note_writes(_connection, cursor, statement, _parameters, _context, _executemany):
        if not statement.lstrip()[:6].upper() == "SELECT":
            wrote[cursor.connection] = True

    dialect = engine.dialect
    rollback, commit = dialect.do_rollback, dialect.do_commit

    def do_rollback(dbapi_connection):
        driver = getattr(dbapi_connection, "driver_connection", dbapi_connection)
        if wrote.pop(driver, False):
            rollback(dbapi_connection)
        else:
            commit(dbapi_connection)

    def do_commit(dbapi_connection):
        wrote.pop(getattr(dbapi_connection, "driver_connection", dbapi_connection), None)
        commit(dbapi_connection)

    # The dialect offers no event for these two; the engine's own dialect object is the documented place.
    dialect.do_rollback, dialect.do_commit = do_rollback, do_commit
