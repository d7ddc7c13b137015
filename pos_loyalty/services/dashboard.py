"""The manager's day at a glance: today's sales with a client, points earned and redeemed, rewards used."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select

from pos_loyalty.extensions import db
from pos_loyalty.models import LedgerEntry, Redemption, Sale, Salon
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
    # Earned: what the period's sales and their bonuses credited. Points a manager added by hand are not
    # earned (a goodwill gesture of 500 points would dwarf a day's sales): they have their own line.
    in_period = (LedgerEntry.salon_id == salon.id, LedgerEntry.at >= start, LedgerEntry.at < end)
    by_hand = LedgerEntry.kind == "adjust"
    earned, added_by_hand = db.session.execute(select(
        func.coalesce(func.sum(case((and_(LedgerEntry.points > 0, ~by_hand, LedgerEntry.kind != "refund"),
                                     LedgerEntry.points), else_=0)), 0),
        func.coalesce(func.sum(case((and_(LedgerEntry.points > 0, by_hand), LedgerEntry.points), else_=0)), 0),
    ).where(*in_period)).one()
    paid_today = (Sale.salon_id == salon.id, Sale.status.in_(("paid", "refunded")), Sale.paid_at >= start,
                  Sale.paid_at < end)
    sales_paid, with_client = db.session.execute(
        select(func.count(Sale.id), func.count(Sale.client_id)).where(*paid_today)).one()
    rewards_used = db.session.scalar(
        select(func.count(Redemption.id)).join(Sale, Sale.id == Redemption.sale_id)
        .where(*paid_today, Redemption.status.in_(("deducted", "returned"))))
    return {"day": day, "sales_paid": sales_paid, "sales_with_client": with_client,
            "points_earned": int(earned), "points_added_by_hand": int(added_by_hand),
            "points_redeemed": figures["points_redeemed"],
            "rewards_used": rewards_used, "new_clients": figures["new_clients"]}
