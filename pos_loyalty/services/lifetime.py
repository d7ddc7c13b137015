"""A client's lifetime points, one definition for the ranking (services/loyalty_reports.py) and milestone
mode (services/milestones.py): every credit the client received minus what reversed a credit; points spent
on a reward, points that expired and a refunded sale's redeemed points coming back are neither."""
from __future__ import annotations

from sqlalchemy import and_, case, func, or_, select

from pos_loyalty.extensions import db
from pos_loyalty.models import LedgerEntry, PointsAccount

NOT_DISTRIBUTED_KINDS = ("redeem", "expire")


def distributed_points():
    """The SQL expression of one ledger entry's part of the lifetime points."""
    returned = and_(LedgerEntry.kind == "refund", LedgerEntry.points > 0)  # a redemption's points coming back
    return case((or_(LedgerEntry.kind.in_(NOT_DISTRIBUTED_KINDS), returned), 0), else_=LedgerEntry.points)


def lifetime_points(client_id: int) -> int:
    total = db.session.scalar(select(func.coalesce(func.sum(distributed_points()), 0))
                              .select_from(LedgerEntry).join(PointsAccount, PointsAccount.id == LedgerEntry.account_id)
                              .where(PointsAccount.client_id == client_id))
    return int(total or 0)
