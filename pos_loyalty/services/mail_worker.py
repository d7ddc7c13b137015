"""Send the outbox: a daemon thread of the server's process, woken after a commit that wrote a mail, and
every few seconds for retries; or `send_due_mails()` called by `pos-loyalty notify` and by tests.

Each mail is claimed before it is sent: UPDATE ... SET status='sending' WHERE id=? AND status='waiting',
and only the process whose update changed the row sends it, so two processes never send one mail twice.
A claim is a lease: a process that died mid-send leaves a 'sending' row whose lease runs out, and it waits
again. A failed attempt waits longer each time (1, 4, 16, 64, 256 min); after MAX_ATTEMPTS, or when the
server refuses the mail for good, it is 'failed' with the reason, and a manager may send it again.
"""
from __future__ import annotations

import logging
import smtplib
import threading
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from urllib.parse import urlsplit

from flask import Flask, current_app
from sqlalchemy import select, update

from pos_loyalty.extensions import db
from pos_loyalty.mail.smtp import DEFAULT_TIMEOUT, MailRefused, send_message
from pos_loyalty.models import Client, Salon
from pos_loyalty.models.mail import OutboxMail
from pos_loyalty.runtime import runtime
from pos_loyalty.services.mail_outbox import may_write_to, unsubscribe_url
from pos_loyalty.services.transaction import transaction

log = logging.getLogger(__name__)
WAITING, SENDING, SENT, FAILED = "waiting", "sending", "sent", "failed"
MAX_ATTEMPTS = 6
FIRST_DELAY = timedelta(minutes=1)
LEASE = timedelta(minutes=10)  # a 'sending' row older than this belongs to a process that died
SMTP_POLICY = policy.SMTP.clone(max_line_length=998)
NO_CONSENT = "Not sent: the client no longer accepts e-mails (unsubscribed or erased)."


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: 1, 4, 16, 64, 256 minutes."""
    return FIRST_DELAY * (4 ** (max(attempts, 1) - 1))


def send_due_mails(limit: int = 20) -> int:
    """Send the mails that are due; returns how many were tried (0: nothing due, or no mail server)."""
    url = current_app.config.get("SMTP_URL")
    if not url:
        return 0
    now = runtime().now()
    with transaction():
        db.session.execute(update(OutboxMail).where(OutboxMail.status == SENDING, OutboxMail.next_attempt_at <= now)
                           .values(status=WAITING).execution_options(synchronize_session=False))
        due = list(db.session.scalars(select(OutboxMail.id).where(OutboxMail.status == WAITING,
                                                                  OutboxMail.next_attempt_at <= now)
                                      .order_by(OutboxMail.next_attempt_at, OutboxMail.id).limit(limit)))
    tried = 0
    for mail_id in due:
        if not _claim(mail_id, now):
            continue  # another process took it
        tried += 1
        _send_claimed(mail_id, url)
    return tried


def _claim(mail_id: int, now) -> bool:
    with transaction():
        result = db.session.execute(
            update(OutboxMail).where(OutboxMail.id == mail_id, OutboxMail.status == WAITING)
            .values(status=SENDING, attempts=OutboxMail.attempts + 1, next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False))
        return result.rowcount == 1


def _send_claimed(mail_id: int, url: str) -> None:
    with transaction():
        mail = db.session.get(OutboxMail, mail_id)
        db.session.refresh(mail)
        client = db.session.get(Client, mail.client_id) if mail.client_id else None
        if client is not None and not may_write_to(client):
            _finish(mail, FAILED, NO_CONSENT)
            return
        try:
            message = build_message(mail, db.session.get(Salon, mail.salon_id) if mail.salon_id else None)
        except (ValueError, TypeError) as failure:  # an address or subject no mail can carry: never sendable
            _finish(mail, FAILED, f"This mail cannot be written: {failure}")
            return
    try:
        send_message(url, message, timeout=current_app.config.get("MAIL_TIMEOUT", DEFAULT_TIMEOUT))
    except MailRefused as refused:
        outcome, reason = FAILED, str(refused)
    except Exception as failure:  # unreachable, timeout, TLS, login: worth another try
        outcome, reason = WAITING, _describe(failure)
    else:
        outcome, reason = SENT, None
    with transaction():
        _finish(db.session.get(OutboxMail, mail_id), outcome, reason)


def _finish(mail: OutboxMail, outcome: str, reason: str | None) -> None:
    now = runtime().now()
    if outcome == SENT:
        mail.status, mail.sent_at, mail.last_error, mail.next_attempt_at = SENT, now, None, None
        return
    mail.last_error = (reason or "")[:500]
    if outcome == WAITING and mail.attempts < MAX_ATTEMPTS:
        mail.status, mail.next_attempt_at = WAITING, now + retry_delay(mail.attempts)
    else:
        mail.status, mail.next_attempt_at = FAILED, None
        if outcome == WAITING:
            mail.last_error = f"Gave up after {mail.attempts} attempts: {reason}"[:500]


def _describe(failure: Exception) -> str:
    text = str(failure) or failure.__class__.__name__
    if isinstance(failure, ConnectionRefusedError):
        return f"The mail server refused the connection ({text})."
    if isinstance(failure, smtplib.SMTPNotSupportedError) and "AUTH" in text.upper():
        return ("The mail server offers no login on this connection: add ?starttls=1 to POS_LOYALTY_SMTP_URL "
                f"(or use smtps://). ({text})")
    if isinstance(failure, smtplib.SMTPAuthenticationError):
        return f"The mail server refused the user name or password of POS_LOYALTY_SMTP_URL ({text})."
    if isinstance(failure, TimeoutError):
        return "The mail server did not answer in time."
    return f"{failure.__class__.__name__}: {text}"


def sender_address(salon: Salon | None) -> str:
    """MAIL_FROM as set (a bare address gets the salon's name), else the salon's name at a no-reply address."""
    setting = (current_app.config.get("MAIL_FROM") or "").strip()
    name = salon.name if salon else "pos_loyalty"
    if setting:
        display, address = parseaddr(setting)
        return setting if display else formataddr((name, address))
    host = urlsplit(runtime().public_url()).hostname or ""
    if not host or host in ("127.0.0.1", "localhost") or host.replace(".", "").isdigit():
        host = urlsplit(current_app.config["SMTP_URL"]).hostname or "localhost"
    return formataddr((name, f"no-reply@{host}"))


def build_message(mail: OutboxMail, salon: Salon | None) -> EmailMessage:
    # Lines up to RFC 5322's 998 characters: a long unsubscribe link stays one plain <https://...> header,
    # which mail programs read, instead of being folded into encoded words, which they do not.
    message = EmailMessage(policy=SMTP_POLICY)
    sender = sender_address(salon)
    message["From"] = sender
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(f"outbox{mail.id}", domain=domain)
    if mail.client_id is not None:
        link = unsubscribe_url(mail.client_id)
        message["List-Unsubscribe"] = f"<{link}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text_body, cte="quoted-printable")  # 7-bit: any server carries it
    message.add_alternative(mail.html_body, subtype="html", cte="quoted-printable")
    return message


class MailWorker:
    """One daemon thread per app: woken when a mail is written, else looks for retries every few seconds."""

    POLL_SECONDS = 5.0

    def __init__(self, app: Flask):
        self.app = app
        self.wake, self.stopping = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run, name="pos-loyalty-mail", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.is_set():
            self.wake.wait(timeout=self.POLL_SECONDS)
            self.wake.clear()
            if self.stopping.is_set():
                break
            try:
                with self.app.app_context():
                    while send_due_mails() and not self.stopping.is_set():
                        pass
                    db.session.remove()
            except Exception:
                log.exception("mail worker")

    def stop(self, timeout: float = 15.0) -> None:
        self.stopping.set()
        self.wake.set()
        self.thread.join(timeout)


_workers_lock = threading.Lock()
WORKER_KEY = "pos_loyalty.mail_worker"


def wake_mail_worker(app: Flask) -> None:
    if app.config.get("MAIL_WORKER", "thread") != "thread" or not app.config.get("SMTP_URL"):
        return  # tests send with send_due_mails() themselves
    with _workers_lock:
        worker = app.extensions.get(WORKER_KEY)
        if worker is None:
            worker = app.extensions[WORKER_KEY] = MailWorker(app)
    worker.wake.set()


def stop_mail_worker(app: Flask) -> None:
    with _workers_lock:
        worker = app.extensions.pop(WORKER_KEY, None)
    if worker is not None:
        worker.stop()


def init_mail_worker(app: Flask) -> None:
    """The server's first request starts the worker, so mails left waiting by a restart go out too
    (not at create_app: commands such as `db upgrade` must not start a thread reading the outbox)."""
    started = threading.Event()

    @app.before_request
    def _start_mail_worker():
        if not started.is_set():
            started.set()
            wake_mail_worker(app)
