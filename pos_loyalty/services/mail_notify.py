"""`pos-loyalty notify [--on DATE]`, nightly: write the notices that are due by date (points of a lot
expiring within 30 days, once per lot), then send what the outbox has due, and count.

Mails that tell of an event (a reward unlocked, within reach, a referral's thanks) were written with the
event; notify only sends those still waiting (the server's worker normally has already).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from pos_loyalty.extensions import db
from pos_loyalty.models import LOT_IS_OPEN, Client, PointsAccount, PointsLot, Salon
from pos_loyalty.models.mail import OutboxMail
from pos_loyalty.services.cards import home_salon
from pos_loyalty.services.context import salon_time
from pos_loyalty.services.mail_notices import points_expiring
from pos_loyalty.services.mail_outbox import mail_enabled
from pos_loyalty.services.mail_worker import send_due_mails
from pos_loyalty.services.transaction import transaction

EXPIRY_NOTICE_DAYS = 30
BATCH = 200  # lots per transaction: a long night never holds one long transaction


@dataclass(frozen=True)
class NotifyReport:
    mail_enabled: bool
    on: date | None
    expiry_notices_written: int = 0
    sent: int = 0
    waiting: int = 0
    failed: int = 0


def notify(on: date | None = None) -> NotifyReport:
    if not mail_enabled():
        return NotifyReport(mail_enabled=False, on=on)
    first = db.session.scalars(select(Salon).order_by(Salon.id).limit(1)).first()
    if first is None:
        return NotifyReport(mail_enabled=True, on=on)
    today = on or salon_time(first.id).today
    written = _write_expiry_notices(today)
    sent = 0
    while True:  # each round claims what is due; a failed mail waits for later, so this ends
        before = _count(("sent",))
        if not send_due_mails(limit=50):
            break
        sent += _count(("sent",)) - before
    return NotifyReport(mail_enabled=True, on=today, expiry_notices_written=written, sent=sent,
                        waiting=_count(("waiting", "sending")), failed=_count(("failed",)))


def _write_expiry_notices(today: date) -> int:
    until = today + timedelta(days=EXPIRY_NOTICE_DAYS)
    lots = db.session.execute(
        select(PointsLot.id, PointsLot.remaining, PointsLot.expires_on, PointsAccount.client_id)
        .join(PointsAccount, PointsAccount.id == PointsLot.account_id)
        .join(Client, Client.id == PointsAccount.client_id)
        .where(LOT_IS_OPEN, PointsLot.expires_on >= today, PointsLot.expires_on <= until,
               Client.email_opt_in.is_(True), Client.erased_at.is_(None), Client.email.is_not(None))
        .order_by(PointsLot.id)).all()
    done = set(db.session.scalars(select(OutboxMail.dedupe_key).where(OutboxMail.kind == "points_expiring")))
    due = [lot for lot in lots if f"expiring:lot:{lot.id}" not in done]
    written, clocks = 0, {}
    for start in range(0, len(due), BATCH):
        with transaction():
            for lot in due[start:start + BATCH]:
                client = db.session.get(Client, lot.client_id)
                salon = home_salon(client)
                clock = clocks.get(salon.id) or clocks.setdefault(salon.id, salon_time(salon.id))
                written += points_expiring(client, lot.id, lot.remaining, lot.expires_on, clock)
    return written


def _count(statuses: tuple[str, ...]) -> int:
    return db.session.scalar(select(func.count(OutboxMail.id)).where(OutboxMail.status.in_(statuses))) or 0


def describe(report: NotifyReport) -> str:
    if not report.mail_enabled:
        return "No mail server (POS_LOYALTY_SMTP_URL is not set): no mail written, none sent."
    return (f"{report.expiry_notices_written} expiry notices written (points expiring by "
            f"{report.on + timedelta(days=EXPIRY_NOTICE_DAYS)}); {report.sent} mails sent, "
            f"{report.waiting} waiting, {report.failed} failed.")
