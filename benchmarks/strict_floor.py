"""The strict framework floor (issue 14), run in a process of its own by benchmarks/run.py:

    python benchmarks/strict_floor.py DATABASE_URL

A bare Flask endpoint doing one SQLAlchemy Core INSERT and a commit (no ORM, no refresh), JSON back, served
by waitress with the threads `pos-loyalty serve` uses. It prints its loopback port on the first line of
stdout and serves until its stdin closes (the benchmark ending, or dying, ends it too)."""
from __future__ import annotations

import sys


def make_app(url: str):
    from flask import Flask, jsonify
    from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert

    metadata = MetaData()
    rows = Table("strict_rows", metadata, Column("id", Integer, primary_key=True), Column("value", String(40)))
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    metadata.create_all(engine)
    app = Flask("strict_floor")

    @app.post("/insert")
    def insert_row():
        with engine.connect() as connection:
            row_id = connection.execute(insert(rows).values(value="x")).inserted_primary_key[0]
            connection.commit()
        return jsonify({"id": row_id})

    return app


def main() -> int:
    from served import serve_until_stdin_closes

    return serve_until_stdin_closes(make_app(sys.argv[1]), threads=4)


if __name__ == "__main__":
    raise SystemExit(main())
