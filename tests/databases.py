"""Fresh databases for tests, on SQLite (a copied file) and PostgreSQL (CREATE DATABASE ... TEMPLATE).

Both start from one migrated template per session, so the schema always comes from the migrations.
PostgreSQL is the server at 127.0.0.1:5432 (trust auth); POS_LOYALTY_TEST_POSTGRES overrides the URL.
"""
from __future__ import annotations

import itertools
import os
import shutil
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

    def _url(self, name: str) -> str:
        return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name

    def _admin(self, sql: str) -> None:
        with self.psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(sql)

    def fresh(self) -> str:
        name = f"{self.prefix}_{next(self.counter)}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template_name}"')
        self.created.append(name)
        return self._url(name)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.created:
            self.created.remove(name)

    def close(self) -> None:
        for name in list(self.created):
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
