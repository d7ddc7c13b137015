"""Write a mail to the outbox, inside the transaction of the event it tells of.

Only a row is inserted there: the mail worker (services/mail_worker.py) sends it after the commit, so a
dead SMTP server never delays or fails a sale. A mail is written only when the server can send mail at all
(POS_LOYALTY_SMTP_URL set: without it nothing is written, and the outbox page says so), and only to a client
who consented (`email_opt_in`), has an address and is not erased. Its `dedupe_key` says what it tells of:
a second write of the same notice is ignored (INSERT ... ON CONFLICT DO NOTHING, so a race between two
processes never breaks the caller's transaction either).
"""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from pos_loyalty.extensions import db
from pos_loyalty.mail.rendering import MailTemplateError, render_mail
from pos_loyalty.mail.unsubscribe import unsubscribe_token
from pos_loyalty.models import Client, Salon
from pos_loyalty.models.mail import OutboxMail
from pos_loyalty.runtime import runtime
from pos_loyalty.services.transaction import after_commit

log = logging.getLogger(__name__)
UNSUBSCRIBE_PATH = "/mail/unsubscribe/"


def mail_enabled() -> bool:
    return bool(current_app.config.get("SMTP_URL"))


def may_write_to(client: Client | None) -> bool:
    return (client is not None and client.erased_at is None and bool(client.email_opt_in)
            and bool((client.email or "").strip()))


def unsubscribe_url(client_id: int) -> str:
    return runtime().public_url() + UNSUBSCRIBE_PATH + unsubscribe_token(current_app.config["SECRET_KEY"], client_id)


def enqueue(kind: str, client: Client, salon: Salon, dedupe_key: str, values: dict) -> bool:
    """Write the mail `kind` to `client` once for `dedupe_key`; True when a row was written now.

    Never raises for the mail's sake: a broken template is logged and the event goes on without its mail.
    """
    if not mail_enabled() or not may_write_to(client):
        return False
    from pos_loyalty.services.cards import card_url

    filled = {"salon_name": salon.name, "first_name": client.first_name, "card_url": card_url(client) or "",
              "unsubscribe_url": unsubscribe_url(client.id), **values}
    try:
        mail = render_mail(kind, salon.locale, filled, current_app.config.get("MAIL_TEMPLATES"))
    except MailTemplateError:
        log.exception("mail %s for client %s not written", kind, client.id)
        return False
    now = runtime().now()
    row = {"salon_id": salon.id, "client_id": client.id, "kind": kind, "dedupe_key": dedupe_key[:120],
           "to_address": client.email.strip(), "locale": mail.language, "subject": mail.subject,
           "text_body": mail.text, "html_body": mail.html, "status": "waiting", "attempts": 0,
           "next_attempt_at": now, "created_at": now}
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    result = db.session.execute(dialect.insert(OutboxMail).values(**row)
                                .on_conflict_do_nothing(index_elements=["dedupe_key"]))
    written = bool(result.rowcount)
    if written:
        from pos_loyalty.services.mail_worker import wake_mail_worker

        app = current_app._get_current_object()
        after_commit(lambda: wake_mail_worker(app))
    return written
