"""The SMTP transport: POS_LOYALTY_SMTP_URL = smtp://user:password@host:port[?starttls=1].

smtps:// is SMTP over TLS from the first byte (port 465); smtp:// with ?starttls=1 upgrades the connection
before logging in. A bad address stops the server's start (check_mail_settings), not a mail later.
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_TIMEOUT = 10.0
TRUE_WORDS = ("1", "true", "yes", "on")


class MailConfigError(ValueError):
    pass


class MailRefused(Exception):
    """The server refused this mail for good (a bad recipient): trying again would not help."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    starttls: bool
    implicit_tls: bool

    @classmethod
    def parse(cls, url: str) -> "SmtpSettings":
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as failure:
            raise MailConfigError(f"POS_LOYALTY_SMTP_URL={_masked(url)!r}: {failure}.") from failure
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise MailConfigError(f"POS_LOYALTY_SMTP_URL={_masked(url)!r}: write smtp://user:password@host:port "
                                  "(add ?starttls=1 to upgrade the connection), or smtps://... for TLS.")
        query = parse_qs(parts.query)
        unknown = set(query) - {"starttls"}
        if unknown:
            raise MailConfigError(f"POS_LOYALTY_SMTP_URL: unknown option {sorted(unknown)[0]!r} (only starttls=1).")
        starttls_word = (query.get("starttls") or ["0"])[0].lower()
        if starttls_word not in TRUE_WORDS + ("0", "false", "no", "off"):
            raise MailConfigError("POS_LOYALTY_SMTP_URL: starttls is 1 or 0.")
        implicit = parts.scheme == "smtps"
        return cls(host=parts.hostname, port=port or (465 if implicit else 25),
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None,
                   starttls=starttls_word in TRUE_WORDS and not implicit, implicit_tls=implicit)


def _masked(url: str) -> str:
    """The address without its password, for error messages and logs."""
    try:
        parts = urlsplit(url)
        if parts.password:
            return url.replace(":" + parts.password + "@", ":***@", 1)
    except ValueError:
        pass
    return url


def check_mail_settings(config) -> None:
    """At start: a wrong SMTP address or sender stops the server with a message naming the variable."""
    url = config.get("SMTP_URL")
    if url:
        SmtpSettings.parse(url)
        sender = config.get("MAIL_FROM") or ""
        if sender and ("@" not in sender or "\n" in sender or "\r" in sender):
            raise MailConfigError(f"POS_LOYALTY_MAIL_FROM={sender!r}: write an address, e.g. "
                                  "'Salon Étoile <salon@example.com>'.")
    if config.get("MAIL_WORKER", "thread") not in ("thread", "manual"):
        raise MailConfigError("MAIL_WORKER is 'thread' or 'manual'.")


def send_message(url: str, message: EmailMessage, timeout: float = DEFAULT_TIMEOUT,
                 ssl_context: ssl.SSLContext | None = None) -> None:
    """Send one message; MailRefused when the server refuses it for good, other errors are worth a retry."""
    settings = SmtpSettings.parse(url)
    context = ssl_context or ssl.create_default_context()
    if settings.implicit_tls:
        client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    try:
        client.ehlo()
        if settings.starttls:
            client.starttls(context=context)
            client.ehlo()
        if settings.username:
            client.login(settings.username, settings.password or "")
        try:
            client.send_message(message)
        except smtplib.SMTPRecipientsRefused as refused:
            raise MailRefused(f"The server refused the address: {_first_reason(refused.recipients)}") from refused
        except smtplib.SMTPResponseException as failure:
            if 500 <= failure.smtp_code < 600:
                raise MailRefused(f"The server refused the mail: {failure.smtp_code} "
                                  f"{_text(failure.smtp_error)}") from failure
            raise
    finally:
        try:
            client.quit()
        except Exception:
            client.close()


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _first_reason(recipients: dict) -> str:
    for address, (code, reason) in recipients.items():
        return f"{address}: {code} {_text(reason)}"
    return "?"
