"""Fresh databases for tests, on SQLite (a copied file) and PostgreSQL (CREATE DATABASE ... TEMPLATE).

Both start from one migrated template per session, so the schema always comes from the migrations.
PostgreSQL is the server at 127.0.0.1:5432 (trust auth); POS_LOYALTY_TEST_POSTGRES overrides the URL.
"""
from __future__ import annotations

import itertools
import os
import queue
import shutil
import threading
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

    def fresh(self) -> str:
        path = self.folder / f"db{next(self.counter)}.sqlite"
        shutil.copy(self.template, path)
        return f"sqlite:///{path}"

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


class PostgresDatabases:
    """A test should wait neither for CREATE DATABASE ... TEMPLATE (a tenth of a second, more on a loaded
    machine) nor for DROP DATABASE (seconds on a loaded machine: it waits for every backend to let the files
    go): one thread of this pool creates the next database while a test runs, two others drop the used
    ones behind the tests. Every name starts with this pool's own prefix (a uuid), so two pools at once (two
    xdist workers, two engineers' runs) never touch each other's databases."""

    name = "postgresql"

    def __init__(self):
        import psycopg

        self.psycopg = psycopg
        self.prefix = f"pl_test_{uuid.uuid4().hex[:8]}"
        self.template_name = f"{self.prefix}_template"
        self._admin(f'CREATE DATABASE "{self.template_name}"')
        migrate(self._url(self.template_name))
        self.counter = itertools.count()
        self.created: list[str] = [self.template_name]
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._ready: queue.Queue = queue.Queue(maxsize=1)  # the next database's name, or what failed
        self._dropping: queue.Queue = queue.Queue()  # names; None stops a dropper
        self._creator = threading.Thread(target=self._create_ahead, name=f"{self.prefix}-create", daemon=True)
        # Two at once: a drop mostly waits (for the other backends), and they fall behind one at a time.
        self._droppers = [threading.Thread(target=self._drop_behind, name=f"{self.prefix}-drop", daemon=True)
                          for _ in range(2)]
        self._creator.start()
        for dropper in self._droppers:
            dropper.start()

    def _url(self, name: str) -> str:
        return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name

    def _admin(self, sql: str) -> None:
        with self.psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(sql)

    def _create_ahead(self) -> None:
        while not self._closing.is_set():
            name = f"{self.prefix}_{next(self.counter)}"
            with self._lock:
                self.created.append(name)
            try:
                self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template_name}"')
                made: str | Exception = name
            except Exception as error:  # noqa: BLE001 - raised in the test that asks for it
                made = error
            while not self._closing.is_set():
                try:
                    self._ready.put(made, timeout=0.2)
                    break
                except queue.Full:
                    continue

    def fresh(self) -> str:
        made = self._ready.get(timeout=300)
        if isinstance(made, Exception):
            raise made
        return self._url(made)

    def drop(self, url: str) -> None:
        self._dropping.put(url.rsplit("/", 1)[1])

    def _drop_behind(self) -> None:
        while (name := self._dropping.get()) is not None:
            try:
                self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except Exception:  # noqa: BLE001 - left in self.created: close() tries again
                continue
            with self._lock:
                if name in self.created:
                    self.created.remove(name)

    def close(self) -> None:
        self._closing.set()
        self._creator.join(timeout=60)
        for dropper in self._droppers:
            self._dropping.put(None)
        for dropper in self._droppers:
            dropper.join(timeout=600)
        with self._lock:
            left = list(self.created)
        for name in left:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
