"""Engine settings per database: SQLite serialises writers with immediate transactions and WAL."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite" or getattr(engine, "_pos_loyalty_configured", False):
        return
    engine._pos_loyalty_configured = True

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
