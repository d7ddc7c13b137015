"""A flush on PostgreSQL writes its inserts and updates in one statement (pos_loyalty/one_trip_flush.py) and
leaves the rows, and the objects in the session, exactly as the ORM's own flush would."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm.exc import StaleDataError

from pos_loyalty import create_app
from pos_loyalty.extensions import db
from pos_loyalty.models import Client, LedgerEntry, Payment, PointsAccount, PointsLot, Sale
from pos_loyalty.services.setup import ensure_salon

pytestmark = pytest.mark.postgresql_only
NOW = datetime(2026, 11, 22, 9, 15, tzinfo=UTC)


@pytest.fixture
def app(postgres_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": postgres_url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        ensure_salon(name="Salon Étoile")
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def statements(app):
    """The statements the session sends, in order."""
    sent: list[str] = []

    def note(_connection, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    yield sent
    event.remove(db.engine, "before_cursor_execute", note)


def _client(name: str) -> Client:
    return Client(first_name=name, last_name="Martin", referral_code=f"REF-{name}", search_text=name.lower(),
                  created_at=NOW)


def _stored(statement) -> list:
    with db.engine.connect() as connection:
        return list(connection.execute(statement))


def _salon_id() -> int:
    return db.session.execute(text("SELECT id FROM salons ORDER BY id LIMIT 1")).scalar_one()


def test_rows_that_name_each_other_go_out_in_one_statement_and_read_back_as_written(app, statements):
    client = _client("Léa")
    db.session.add(client)
    db.session.flush()
    account = PointsAccount(client_id=client.id)
    db.session.add(account)
    db.session.commit()
    entry = LedgerEntry(account_id=account.id, at=NOW, kind="earn", points=37, description="Cut & colour")
    lot = PointsLot(account_id=account.id, entry=entry, points=37, remaining=37, earned_on=date(2026, 11, 22),
                    expires_on=date(2027, 11, 22))
    db.session.add(lot)
    account.balance += 37
    client.first_name = "Léa-Rose"
    statements.clear()

    db.session.flush()

    assert len(statements) == 1 and statements[0].lstrip().startswith("WITH")
    assert entry.id is not None and lot.entry_id == entry.id and lot.id is not None
    assert not db.session.new and not db.session.dirty
    db.session.commit()
    assert _stored(select(PointsLot.entry_id, PointsLot.points).where(PointsLot.id == lot.id)) == [(entry.id, 37)]
    assert _stored(select(PointsAccount.balance).where(PointsAccount.id == account.id)) == [(37,)]
    assert _stored(select(Client.first_name).where(Client.id == client.id)) == [("Léa-Rose",)]
    assert _stored(select(LedgerEntry.description).where(LedgerEntry.id == entry.id)) == [("Cut & colour",)]


def test_python_defaults_money_and_children_of_a_new_parent_are_written_as_the_orm_writes_them(app, statements):
    from pos_loyalty.models import SaleLine

    sale = Sale(salon_id=_salon_id(), created_at=NOW)
    sale.lines.append(SaleLine(position=1, code="CF", name="Coupe femme", kind="service", quantity=2,
                               unit_price=Decimal("38.50")))
    db.session.add(sale)
    statements.clear()

    db.session.flush()

    assert len(statements) == 1
    assert sale.lines[0].sale_id == sale.id
    assert (sale.status, sale.points_earned, sale.code_discount) == ("open", 0, Decimal("0"))  # Python defaults
    assert sale.source == "till"
    db.session.commit()
    assert _stored(select(SaleLine.sale_id, SaleLine.unit_price).where(SaleLine.sale_id == sale.id)) == [
        (sale.id, Decimal("38.50"))]
    assert _stored(text("SELECT unit_price FROM sale_lines WHERE sale_id = :id").bindparams(id=sale.id)) == [(3850,)]


def test_a_collection_append_sets_the_child_key_and_leaves_the_parent_clean(app, statements):
    sale = Sale(salon_id=_salon_id(), created_at=NOW)
    db.session.add(sale)
    db.session.commit()
    sale.payments.append(Payment(amount=Decimal("12.00"), tendered=Decimal("20.00"), method="cash", at=NOW))
    sale.status = "paid"
    statements.clear()

    db.session.flush()

    assert len(statements) == 1
    assert sale.payments[0].sale_id == sale.id and not db.session.dirty
    db.session.commit()
    assert _stored(select(Payment.sale_id, Payment.tendered)) == [(sale.id, Decimal("20.00"))]
    assert _stored(select(Sale.status).where(Sale.id == sale.id)) == [("paid",)]


def test_an_update_of_a_row_that_is_gone_fails_and_writes_nothing(app):
    client = _client("Inès")
    db.session.add(client)
    db.session.commit()
    client_id = client.id
    with db.engine.begin() as other:
        other.execute(text("DELETE FROM clients WHERE id = :id"), {"id": client_id})
    client.first_name = "Ines"
    db.session.add(_client("Nour"))

    with pytest.raises(StaleDataError):
        db.session.flush()
    db.session.rollback()
    assert _stored(select(func.count()).select_from(Client).where(Client.first_name == "Nour")) == [(0,)]


def test_a_rollback_after_the_flush_undoes_it_and_forgets_the_new_objects(app):
    client = _client("Zoé")
    db.session.add(client)
    db.session.flush()
    assert client.id is not None
    db.session.rollback()
    assert client not in db.session
    assert _stored(select(func.count()).select_from(Client)) == [(0,)]


def test_what_it_does_not_cover_goes_through_the_orm_flush(app, statements):
    kept, gone = _client("Anna"), _client("Maud")
    db.session.add_all([kept, gone])
    db.session.commit()
    db.session.delete(gone)
    kept.created_at = func.now()  # a SQL expression is rendered by the ORM
    statements.clear()

    db.session.flush()

    assert any(statement.startswith("DELETE") for statement in statements)
    assert not any(statement.lstrip().startswith("WITH") for statement in statements)
    db.session.commit()
    assert [row.first_name for row in _stored(select(Client.first_name))] == ["Anna"]
