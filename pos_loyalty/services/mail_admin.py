"""The outbox as a manager sees it (/manage/outbox and GET /api/v1/mail/outbox), "send again" for a failed
mail, and a client's unsubscribe from the link of a mail."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from pos_loyalty.core.errors import Conflict, Forbidden, NotFound
from pos_loyalty.extensions import db
from pos_loyalty.mail.unsubscribe import client_of_token
from pos_loyalty.models import Client
from pos_loyalty.models.mail import OutboxMail
from pos_loyalty.runtime import runtime
from pos_loyalty.services import audit
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.mail_outbox import mail_enabled
from pos_loyalty.services.transaction import after_commit, transaction

STATUSES = ("waiting", "sending", "sent", "failed")
PER_PAGE = 50


@dataclass(frozen=True)
class OutboxPage:
    mails: list[OutboxMail]
    counts: dict[str, int]  # by status, whatever the filter
    total: int  # of the filter
    page: int
    pages: int
    mail_enabled: bool


def outbox(actor: Actor, status: str | None = None, page: int = 1, per_page: int = PER_PAGE) -> OutboxPage:
    """The salon's mails, newest first, `per_page` a page; `status` one of STATUSES or None for all."""
    if not actor.is_manager:
        raise Forbidden("Only a manager can read the outbox.")
    if status is not None and status not in STATUSES:
        raise NotFound(f"No mail status {status!r}.", code="bad_status")
    with transaction():
        scope = [OutboxMail.salon_id == actor.salon_id]
        counts = dict.fromkeys(STATUSES, 0)
        counts.update(dict(db.session.execute(select(OutboxMail.status, func.count(OutboxMail.id)).where(*scope)
                                              .group_by(OutboxMail.status)).all()))
        if status:
            scope.append(OutboxMail.status == status)
        total = counts[status] if status else sum(counts.values())
        pages = max(1, -(-total // per_page))
        page = min(max(page, 1), pages)
        mails = list(db.session.scalars(select(OutboxMail).where(*scope).order_by(OutboxMail.id.desc())
                                        .offset((page - 1) * per_page).limit(per_page)))
        return OutboxPage(mails=mails, counts=counts, total=total, page=page, pages=pages,
                          mail_enabled=mail_enabled())


def get_mail(actor: Actor, mail_id: int) -> OutboxMail:
    mail = db.session.get(OutboxMail, mail_id)
    if mail is None or mail.salon_id != actor.salon_id or not actor.is_manager:
        raise NotFound(f"Mail {mail_id} does not exist.", code="mail_not_found")
    return mail


def send_again(actor: Actor, mail_id: int) -> OutboxMail:
    """A failed mail waits again, its attempts counted from zero; the worker sends it at once."""
    with transaction():
        mail = get_mail(actor, mail_id)
        if mail.status != "failed":
            raise Conflict("Only a failed mail can be sent again.", code="mail_not_failed",
                           details={"status": mail.status})
        if not mail.to_address:
            raise Conflict("This mail has no address any more (its client was erased).", code="mail_erased")
        if not mail_enabled():
            raise Conflict("No mail server is configured (POS_LOYALTY_SMTP_URL).", code="mail_disabled")
        before = {"status": mail.status, "last_error": mail.last_error}
        mail.status, mail.attempts, mail.next_attempt_at = "waiting", 0, runtime().now()
        audit.record(actor, "mail.retry", f"mail {mail.id}", before, {"status": "waiting"})
        from pos_loyalty.services.mail_worker import wake_mail_worker

        app = current_app._get_current_object()
        after_commit(lambda: wake_mail_worker(app))
        return mail


def client_of_unsubscribe_link(token: str) -> Client:
    """The client a mail's unsubscribe link names; NotFound for a forged link or an erased client."""
    client_id = client_of_token(current_app.config["SECRET_KEY"], token)
    client = db.session.get(Client, client_id) if client_id is not None else None
    if client is None or client.erased_at is not None:
        raise NotFound("This unsubscribe link is not valid.", code="unsubscribe_link_invalid")
    return client


def unsubscribe(token: str) -> Client:
    """The link's client no longer receives the programme's e-mails (their waiting mails are not sent)."""
    with transaction():
        client = client_of_unsubscribe_link(token)
        if client.email_opt_in:
            client.email_opt_in = False
            from pos_loyalty.services.cards import home_salon

            audit.record(Actor("the client (mail link)", "till", home_salon(client).id, channel="mail"),
                         "client.unsubscribe", f"client {client.id}", {"email_opt_in": True}, {"email_opt_in": False})
        return client


def mails_of_client(client_id: int, at) -> list[dict]:
    """A client's mails for their data export (GET /clients/{id}/export): what was written to them, when."""
    return [{"id": mail.id, "kind": mail.kind, "to": mail.to_address, "subject": mail.subject,
             "status": mail.status, "created_at": at(mail.created_at), "sent_at": at(mail.sent_at),
             "text": mail.text_body}
            for mail in db.session.scalars(select(OutboxMail).where(OutboxMail.client_id == client_id)
                                           .order_by(OutboxMail.id))]


def erase_mails_of(client_id: int) -> int:
    """The erasure (services/privacy.py): the client's mails lose their address, subject and bodies, and a
    referrer's thank-you naming this client loses its bodies; what was not sent never will be."""
    scrubbed = 0
    about = select(OutboxMail).where((OutboxMail.client_id == client_id)
                                     | (OutboxMail.dedupe_key == f"referral_thanks:client:{client_id}"))
    for mail in db.session.scalars(about):
        if mail.client_id == client_id:
            mail.to_address = ""
        mail.subject, mail.text_body, mail.html_body = "", "", ""
        if mail.status in ("waiting", "sending"):
            mail.status, mail.next_attempt_at = "failed", None
            mail.last_error = "Not sent: the client was erased."
        scrubbed += 1
    return scrubbed
