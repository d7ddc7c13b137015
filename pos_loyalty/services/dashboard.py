"""The manager's day at a glance: today's sales with a client, points earned and redeemed, rewards used."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from pos_loyalty.extensions import db
from pos_loyalty.models import Redemption, Sale, Salon
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.reports import salon_figures


def day_at_a_glance(actor: Actor, day: date, last_day: date | None = None) -> dict:
    """The acting salon's figures for one of its days, or the days from `day` to `last_day` (midnight to
    midnight in its own time zone)."""
    last_day = last_day or day
    salon = db.session.get(Salon, actor.salon_id)
    zone = ZoneInfo(salon.timezone)
    start = datetime.combine(day, time.min, zone)
    end = datetime.combine(last_day + timedelta(days=1), time.min, zone)
    figures = salon_figures(actor, day, last_day)[0]
    paid_today = (Sale.salon_id == salon.id, Sale.status.in_(("paid", "refunded")), Sale.paid_at >= start,
                  Sale.paid_at < end)
    sales_paid, with_client = db.session.execute(
        select(func.count(Sale.id), func.count(Sale.client_id)).where(*paid_today)).one()
    rewards_used = db.session.scalar(
        select(func.count(Redemption.id)).join(Sale, Sale.id == Redemption.sale_id)
        .where(*paid_today, Redemption.status.in_(("deducted", "returned"))))
    return {"day": day, "sales_paid": sales_paid, "sales_with_client": with_client,
            "points_earned": figures["points_earned"], "points_redeemed": figures["points_redeemed"],
            "rewards_used": rewards_used, "new_clients": figures["new_clients"]}
