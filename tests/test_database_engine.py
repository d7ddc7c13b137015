"""How a transaction ends on PostgreSQL (pos_loyalty/database.py): one that only read ends with COMMIT, so
the connection keeps the statements psycopg prepared; one that wrote and is not committed still undoes its
writes, whether it ended by an error, by the session closing or by the connection going back to the pool."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from pos_loyalty import create_app
from pos_loyalty.extensions import db
from pos_loyalty.models import Client

pytestmark = pytest.mark.postgresql_only


@pytest.fixture
def app(postgres_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": postgres_url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _clients() -> int:
    with db.engine.connect() as connection:
        return connection.scalar(select(func.count(Client.id)))


def _new_client(name: str) -> Client:
    return Client(first_name=name, last_name="Test", referral_code=f"REF-{name}", search_text=name.lower(),
                  created_at=func.now(), subscriber=False)


def test_a_write_rolled_back_by_an_error_is_undone(app):
    before = _clients()
    with pytest.raises(RuntimeError):
        with db.session.begin():
            db.session.add(_new_client("Undone"))
            db.session.flush()  # sent to the database
            raise RuntimeError("refused")
    assert _clients() == before


def test_a_write_never_committed_is_undone_when_the_session_closes(app):
    before = _clients()
    db.session.add(_new_client("Forgotten"))
    db.session.flush()
    db.session.remove()  # the end of a request that never committed
    assert _clients() == before


def test_a_write_in_raw_sql_never_committed_is_undone_when_the_connection_returns(app):
    before = _clients()
    with db.engine.connect() as connection:
        connection.execute(text("INSERT INTO clients (first_name, last_name, referral_code, search_text, created_at,"
                                " subscriber, email_opt_in) VALUES ('Raw', 'Sql', 'REF-RAW', 'raw', now(), false,"
                                " false)"))
    assert _clients() == before


def test_a_read_only_transaction_keeps_the_statements_the_connection_prepared(app):
    query = select(Client.id).where(Client.id == 1)
    with db.engine.connect() as connection:
        driver = connection.connection.driver_connection
        for _ in range(driver.prepare_threshold + 1):  # psycopg prepares a statement on its n-th run
            connection.execute(query).all()
        prepared = connection.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
        assert prepared >= 1
        connection.rollback()  # a read: ends with COMMIT, the server keeps the prepared statement
        assert connection.scalar(text("SELECT count(*) FROM pg_prepared_statements")) >= prepared


def test_a_read_inside_a_failed_transaction_still_ends_it(app):
    with db.engine.connect() as connection:
        with pytest.raises(Exception):
            connection.execute(text("SELECT 1 / 0"))
        connection.rollback()
        assert connection.scalar(text("SELECT 2")) == 2
