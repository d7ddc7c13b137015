"""Fresh databases for tests, on SQLite (a copied file) and PostgreSQL (CREATE DATABASE ... TEMPLATE).

Both start from one migrated template per session, so the schema always comes from the migrations.
PostgreSQL is the server at 127.0.0.1:5432 (trust auth); POS_LOYALTY_TEST_POSTGRES overrides the URL.
"""
from __future__ import annotations

import itertools
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

POSTGRES_ADMIN_URL = os.environ.get("POS_LOYALTY_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def migrate(url: str) -> None:
    from flask_migrate import upgrade

    from pos_loyalty import create_app
    from pos_loyalty.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        db.engine.dispose()


class SqliteDatabases:
    name = "sqlite"

    def __init__(self, folder: Path):
        self.folder = folder
        self.template = folder / "template.sqlite"
        migrate(f"sqlite:///{self.template}")
        self.counter = itertools.count()

    def fresh(self, source: str | None = None) -> str:
        """A copy of the migrated template, or of a database kept by keep()."""
        path = self.folder / f"db{next(self.counter)}.sqlite"
        shutil.copy(source or self.template, path)
        return f"sqlite:///{path}"

    def keep(self, url: str) -> str:
        """A copy of this database as it is now (its engine disposed), for fresh(source=...)."""
        import sqlite3

        kept = self.folder / f"kept{next(self.counter)}.sqlite"
        # The backup API copies what the write-ahead log holds too; a file copy could miss it.
        original, copy = sqlite3.connect(url.removeprefix("sqlite:///")), sqlite3.connect(kept)
        try:
            original.backup(copy)
        finally:
            original.close()
            copy.close()
        return str(kept)

    def drop(self, url: str) -> None:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)

    def close(self) -> None:
        pass


def postgres_unavailable_reason() -> str | None:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return None
    except Exception as error:  # noqa: BLE001 - any failure means: no server to test against
        return f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {error}".splitlines()[0]


# What a test may not leave changed in a database handed back for the next test: its tables, columns and
# types, indexes, constraints, sequences, functions and triggers, and the migration it is at.
SCHEMA_FINGERPRINT = """
SELECT md5(concat_ws('|',
  (SELECT string_agg(table_name || '.' || column_name || ':' || data_type || ':' || is_nullable || ':'
                     || coalesce(column_default, ''), ',' ORDER BY table_name, column_name)
     FROM information_schema.columns WHERE table_schema = 'public'),
  (SELECT string_agg(indexdef, ',' ORDER BY indexdef) FROM pg_indexes WHERE schemaname = 'public'),
  (SELECT string_agg(conname || pg_get_constraintdef(c.oid), ',' ORDER BY conname, pg_get_constraintdef(c.oid))
     FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'),
  (SELECT string_agg(sequence_name, ',' ORDER BY sequence_name) FROM information_schema.sequences
    WHERE sequence_schema = 'public'),
  (SELECT string_agg(proname, ',' ORDER BY proname) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public'),
  (SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger WHERE NOT tgisinternal),
  (SELECT string_agg(version_num, ',' ORDER BY version_num) FROM alembic_version)))
"""


class PostgresDatabases:
    """DROP DATABASE forces a checkpoint on PostgreSQL 15 (seconds on a loaded machine, and every other test
    waits on the disk meanwhile), CREATE DATABASE ... TEMPLATE takes a tenth of a second or more: so a test's
    database is handed back, not dropped. A thread of this pool ends the connections a test left, checks
    that the schema is still the template's (else drops it), empties every table with TRUNCATE ... RESTART
    IDENTITY (new files, sequences from the start: as fresh as a copy of the template), renames it and
    keeps it for a later test. Every name starts with this pool's own prefix (a uuid), so two pools at once
    (two xdist workers, two engineers' runs) never touch each other's databases."""

    name = "postgresql"

    def __init__(self):
        import psycopg

        self.psycopg = psycopg
        self.prefix = f"pl_test_{uuid.uuid4().hex[:8]}"
        self.template_name = f"{self.prefix}_template"
        self._admin(f'CREATE DATABASE "{self.template_name}"')
        migrate(self._url(self.template_name))
        with psycopg.connect(self._url(self.template_name)) as connection:
            self.fingerprint = connection.execute(SCHEMA_FINGERPRINT).fetchone()[0]
            self.tables = [row[0] for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version' "
                "ORDER BY tablename")]
        self.counter = itertools.count()
        self.created: list[str] = [self.template_name]
        self._lock = threading.Lock()
        self._clean: queue.Queue = queue.Queue()  # emptied databases, ready for a test
        self._returned: queue.Queue = queue.Queue()  # databases handed back; None stops the thread
        self._cleaner = threading.Thread(target=self._clean_behind, name=f"{self.prefix}-clean", daemon=True)
        self._cleaner.start()
        self.reused = self.dropped = 0
        self._kept: dict[str, tuple[dict, dict]] = {}  # keep()'s rows and sequences, by key

    def _url(self, name: str) -> str:
        return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name

    def _admin(self, sql: str, parameters=None) -> None:
        with self.psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(sql, parameters)

    def fresh(self, source: str | None = None) -> str:
        """An empty migrated database (one handed back and emptied, else a copy of the template), or one with
        the rows of a database kept by keep()."""
        try:
            name = self._clean.get_nowait()
            self.reused += 1
        except queue.Empty:
            name = f"{self.prefix}_{next(self.counter)}"
            with self._lock:
                self.created.append(name)
            self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template_name}"')
        if source is not None:
            self._load(name, self._kept[source])
        return self._url(name)

    def keep(self, url: str) -> str:
        """The rows and sequences of this database as they are now (its engine disposed), for
        fresh(source=...): loading them into an emptied database takes a few COPYs, where a CREATE DATABASE
        ... TEMPLATE takes a tenth of a second or more (it writes the whole database to the WAL)."""
        rows, sequences = {}, {}
        with self.psycopg.connect(url) as connection:
            for table in self.tables:
                with connection.cursor() as cursor:
                    with cursor.copy(f'COPY "{table}" TO STDOUT (FORMAT binary)') as copy:
                        data = b"".join(bytes(block) for block in copy)
                    if cursor.rowcount:
                        rows[table] = data
            for name, last_value in connection.execute(
                    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"):
                if last_value is not None:
                    sequences[name] = last_value
        key = f"kept{next(self.counter)}"
        self._kept[key] = (rows, sequences)
        return key

    def _load(self, name: str, kept: tuple[dict, dict]) -> None:
        rows, sequences = kept
        with self.psycopg.connect(self._url(name)) as connection:
            # As pg_restore --disable-triggers: the rows are a copy of consistent ones, in any table order.
            connection.execute("SET session_replication_role = replica")
            with connection.cursor() as cursor:
                for table, data in rows.items():
                    with cursor.copy(f'COPY "{table}" FROM STDIN (FORMAT binary)') as copy:
                        copy.write(data)
                for sequence, last_value in sequences.items():
                    cursor.execute("SELECT setval(%s, %s, true)", (f'"{sequence}"', last_value))

    def drop(self, url: str) -> None:
        """Done with this database: emptied in the background for another test (or dropped)."""
        self._returned.put(url.rsplit("/", 1)[1])

    def _empty(self, name: str) -> str:
        """Empties the database and renames it: a URL is never handed out twice (the app may key what it
        caches by its database's URL). Returns the new name."""
        self._admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                    "AND pid <> pg_backend_pid()", (name,))
        with self.psycopg.connect(self._url(name)) as connection:
            connection.execute("SET lock_timeout = '30s'")
            if connection.execute(SCHEMA_FINGERPRINT).fetchone()[0] != self.fingerprint:
                raise ValueError(f"{name}: the test changed the schema")
            connection.execute("TRUNCATE " + ", ".join(f'"{table}"' for table in self.tables)
                               + " RESTART IDENTITY CASCADE")
        renamed = f"{self.prefix}_{next(self.counter)}"
        deadline = time.monotonic() + 30
        while True:
            try:
                self._admin(f'ALTER DATABASE "{name}" RENAME TO "{renamed}"')
                break
            except self.psycopg.errors.ObjectInUse:  # a backend ended above has not quite gone yet
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        with self._lock:
            self.created[self.created.index(name)] = renamed
        return renamed

    def _clean_behind(self) -> None:
        while (name := self._returned.get()) is not None:
            try:
                self._clean.put(self._empty(name))
                continue
            except Exception:  # noqa: BLE001 - whatever went wrong, this database is not reused
                pass
            try:
                self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                self.dropped += 1
            except Exception:  # noqa: BLE001 - left in self.created: close() tries again
                continue
            with self._lock:
                if name in self.created:
                    self.created.remove(name)

    def close(self) -> None:
        """Drops every database of this pool, the template last, in a process of its own that the test run
        does not wait for: a few drops at the end of each worker would add half a minute to the run."""
        self._returned.put(None)
        self._cleaner.join(timeout=600)
        with self._lock:
            left = list(reversed(self.created))
        subprocess.Popen([sys.executable, "-c", DROP_SCRIPT, POSTGRES_ADMIN_URL, *left], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


DROP_SCRIPT = """
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as connection:
    for name in sys.argv[2:]:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
"""
