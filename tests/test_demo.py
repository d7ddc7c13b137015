"""The demo salon: believable, consistent to the point, loaded once."""
import pytest
from sqlalchemy import func, select

from pos_loyalty.extensions import db
from pos_loyalty.models import CatalogueItem, Client, LedgerEntry, PointsAccount, Reward


@pytest.mark.sqlite_only
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
            assert account.balance == ledger_sum
        kinds = set(db.session.scalars(select(LedgerEntry.kind).distinct()))
        assert {"earn", "service", "redeem", "expire", "referral", "welcome", "refund", "adjust"} <= kinds
        manager = Actor("test", "manager", 1)
        eligible = [loyalty_of(manager, c.id).summary.eligible_rewards for c in db.session.scalars(select(Client))]
        assert sum(1 for rewards in eligible if rewards) >= 5
        load_demo()
        assert db.session.scalar(select(func.count(Client.id))) == 50
