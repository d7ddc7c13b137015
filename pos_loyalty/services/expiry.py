"""The nightly sweep: every account with points past their expiry date gets its expiry entries."""
from __future__ import annotations

from sqlalchemy import select

from pos_loyalty.extensions import db
from pos_loyalty.models import LOT_IS_OPEN, PointsAccount, PointsLot, Salon
from pos_loyalty.services import ledger
from pos_loyalty.services.context import salon_time
from pos_loyalty.services.transaction import transaction


def sweep_all() -> int:
    salon = db.session.scalars(select(Salon).order_by(Salon.id).limit(1)).first()
    if salon is None:
        return 0
    clock = salon_time(salon.id)
    client_ids = db.session.scalars(
        select(PointsAccount.client_id).join(PointsLot, PointsLot.account_id == PointsAccount.id)
        .where(LOT_IS_OPEN, PointsLot.expires_on < clock.today).distinct()
    ).all()
    total = 0
    for client_id in client_ids:  # one short transaction per client: tills are never blocked for long
        with transaction():
            total += ledger.sweep_expired(ledger.lock_account(client_id), clock.today, clock.zone, clock.salon.locale)
    return total
