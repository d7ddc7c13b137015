"""Consistent copies of the database while tills keep selling, and bringing one back.

SQLite: the online backup API copies a consistent snapshot page by page, letting writers in between.
PostgreSQL: pg_dump takes a consistent snapshot (one transaction); pg_restore brings it back.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url


STEP_PAGES = 64


class BackupError(Exception):
    pass


def _sqlite_path(url: str) -> str:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory database cannot be backed up.")
    return database


def _libpq_url(url: str) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def backup(url: str, target: str, progress: Callable[[int, int], None] | None = None) -> None:
    if os.path.exists(target):
        raise BackupError(f"{target} exists already: choose a new file name.")
    dialect = make_url(url).get_backend_name()
    if dialect == "sqlite":
        partial = target + ".partial"
        source = sqlite3.connect(_sqlite_path(url), timeout=30)
        destination = sqlite3.connect(partial)
        try:
            with destination:
                # Small steps: a till's write waits at most one step, never the whole copy.
                source.backup(destination, pages=STEP_PAGES,
                              progress=(lambda _status, left, total: progress(total - left, total)) if progress else None)
            check = destination.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"The copy failed its integrity check: {check}")
        finally:
            destination.close()
            source.close()
        os.replace(partial, target)  # the file appears only once complete
    elif dialect == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq_url(url)])
    else:
        raise BackupError(f"No backup method for {dialect}.")


def restore(url: str, source_file: str) -> None:
    if not os.path.exists(source_file):
        raise BackupError(f"{source_file} does not exist.")
    dialect = make_url(url).get_backend_name()
    if dialect == "sqlite":
        probe = sqlite3.connect(f"file:{source_file}?mode=ro", uri=True)
        try:
            try:
                healthy = probe.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            except sqlite3.DatabaseError:
                healthy = False
            if not healthy:
                raise BackupError(f"{source_file} is not a readable database: not restored.")
            tables = {row[0] for row in probe.execute("select name from sqlite_master where type='table'")}
            if "alembic_version" not in tables:
                raise BackupError(f"{source_file} is not a pos_loyalty backup.")
            live = sqlite3.connect(_sqlite_path(url), timeout=30)
            try:
                probe.backup(live)  # replaces the live database in one go, under its write lock
            finally:
                live.close()
        finally:
            probe.close()
    elif dialect == "postgresql":
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={_libpq_url(url)}", source_file])
    else:
        raise BackupError(f"No restore method for {dialect}.")


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).")
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode != 0:
        raise BackupError(f"{command[0]} failed: {finished.stderr.strip()[:500]}")


def describe(path: str) -> str:
    return f"{path} ({Path(path).stat().st_size // 1024} KiB)"
