"""The demo salon: believable, consistent to the point, loaded once; its batched year is the use cases' year."""
from sqlalchemy import func, select

from pos_loyalty.extensions import db
from pos_loyalty.models import CatalogueItem, Client, LedgerEntry, PointsAccount, PointsLot, Reward

KINDS = {"earn", "service", "redeem", "expire", "referral", "welcome", "refund", "adjust"}


def test_demo_salon_is_consistent_and_loaded_once(app):
    from pos_loyalty.demo import load_demo
    from pos_loyalty.services.loyalty import loyalty_of
    from pos_loyalty.services.actor import Actor

    with app.app_context():
        report = load_demo()
        assert "50 clients" in report[0]
        assert db.session.scalar(select(func.count(Client.id))) == 50
        assert db.session.scalar(select(func.count(CatalogueItem.id)).where(CatalogueItem.kind == "service")) == 20
        assert db.session.scalar(select(func.count(Reward.id))) == 4
        for account in db.session.scalars(select(PointsAccount)):
            ledger_sum = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.points), 0))
                                           .where(LedgerEntry.account_id == account.id))
            lots_left = db.session.scalar(select(func.coalesce(func.sum(PointsLot.remaining), 0))
                                          .where(PointsLot.account_id == account.id))
            assert account.balance == ledger_sum == lots_left - account.debt
            assert account.held == 0  # no sale is left open
        kinds = set(db.session.scalars(select(LedgerEntry.kind).distinct()))
        assert KINDS <= kinds
        manager = Actor("test", "manager", 1)
        eligible = [loyalty_of(manager, c.id).summary.eligible_rewards for c in db.session.scalars(select(Client))]
        assert sum(1 for rewards in eligible if rewards) >= 5
        load_demo()
        assert db.session.scalar(select(func.count(Client.id))) == 50


def test_the_batched_year_writes_every_row_the_use_cases_write(app_config, database_pools, backend, monkeypatch):
    """The same scenario played through the use cases one by one (the reference) and on the batched till: the
    same rows in every table, ids included. A short year (75 days, ten clients, points valid one month) that
    still has every kind of entry: sales, rewards, expiries, referrals, a refund and an adjustment."""
    from pos_loyalty import create_app, demo

    monkeypatch.setattr(demo, "HISTORY_DAYS", 75)
    monkeypatch.setattr(demo, "CLIENTS", 10)
    monkeypatch.setattr(demo, "VALIDITY_MONTHS", 1)
    pool = database_pools(backend)
    rows = {}
    for reference in (True, False):
        url = pool.fresh()
        app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url})
        try:
            with app.app_context():
                assert "10 clients" in demo.load_history(reference=reference)[0]
                rows[reference] = _every_row()
                db.engine.dispose()
        finally:
            pool.drop(url)
    assert KINDS <= {row["kind"] for row in rows[True]["ledger_entries"]}
    for table in rows[True]:
        assert rows[False][table] == rows[True][table], table


def _every_row() -> dict[str, list[dict]]:
    """Every table's rows by id, but the clients' card tokens (random secrets) and the ids of lot consumptions:
    an expiry takes its lots in the order the database lists an account's open lots (no ORDER BY: on
    PostgreSQL, the order in which the rows were last written), so two runs may number them differently."""
    tables = {}
    for table in db.metadata.sorted_tables:
        skipped = {"card_token"} | ({"id"} if table.name == "lot_consumptions" else set())
        columns = [column for column in table.columns if column.name not in skipped]
        order = [column for column in table.primary_key.columns if column.name not in skipped] or columns
        tables[table.name] = [dict(row._mapping) for row in
                              db.session.execute(select(*columns).order_by(*order)).all()]
    return tables
