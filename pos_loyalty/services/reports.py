"""Figures per salon for managers: sales, money, points earned and redeemed, new clients, referrals."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from pos_loyalty.core.errors import Invalid
from pos_loyalty.extensions import db
from pos_loyalty.models import Client, LedgerEntry, Salon, Sale
from pos_loyalty.services.actor import Actor


def salon_figures(actor: Actor, first_day: date, last_day: date) -> list[dict]:
    """The acting salon's row over [first_day, last_day], days taken in the salon's own time zone.

    A salon's manager sees the figures of their own salon only: each salon's sales are its own business
    (a view of the whole chain for its owner would be a role of its own). The list shape stays, one row."""
    if last_day < first_day:
        raise Invalid("The period ends before it starts.", code="bad_period", details={"to": ["Before from."]})
    if (last_day - first_day).days > 3660:
        raise Invalid("A period is ten years at most.", code="bad_period", details={"to": ["Too long."]})
    rows = []
    for salon in db.session.scalars(select(Salon).where(Salon.id == actor.salon_id)):
        zone = ZoneInfo(salon.timezone)
        start = datetime.combine(first_day, time.min, zone)
        end = datetime.combine(last_day + timedelta(days=1), time.min, zone)
        points = db.session.execute(
            select(func.coalesce(func.sum(case((LedgerEntry.points > 0, LedgerEntry.points), else_=0)), 0),
                   func.coalesce(func.sum(case((LedgerEntry.kind == "redeem", -LedgerEntry.points), else_=0)), 0),
                   func.coalesce(func.sum(case((LedgerEntry.kind == "referral", LedgerEntry.points), else_=0)), 0))
            .where(LedgerEntry.salon_id == salon.id, LedgerEntry.at >= start, LedgerEntry.at < end,
                   LedgerEntry.kind != "refund")
        ).one()
        sales = db.session.execute(
            select(func.count(Sale.id), func.count(func.distinct(Sale.client_id)))
            .where(Sale.salon_id == salon.id, Sale.status == "paid", Sale.paid_at >= start, Sale.paid_at < end)
        ).one()
        new_clients = db.session.scalar(select(func.count(Client.id)).where(
            Client.created_in_salon_id == salon.id, Client.created_at >= start, Client.created_at < end))
        rows.append({"salon": salon.code, "name": salon.name, "sales_paid": sales[0], "loyal_clients": sales[1],
                     "points_earned": int(points[0]), "points_redeemed": int(points[1]),
                     "referral_points": int(points[2]), "new_clients": new_clients})
    return rows
