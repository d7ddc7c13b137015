"""A real SMTP server on loopback for the mail tests (aiosmtpd): it keeps every message as it arrived."""
from __future__ import annotations

import socket
import ssl
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        with self.arrived:
            self.envelopes.append(envelope)
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 15.0) -> list[EmailMessage]:
        """The messages once `count` have arrived (a worker thread sends them): waits on the arrival, not a time."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout)
            return list(self.messages)


class SmtpServer:
    """Started and stopped at will on one port: a 'dead' server is one not started yet."""

    def __init__(self, port: int | None = None, tls_context: ssl.SSLContext | None = None,
                 require_starttls: bool = False, auth: dict | None = None):
        self.port = port or free_port()
        self.inbox = Inbox()
        self.controller = None
        self.tls_context, self.require_starttls, self.auth = tls_context, require_starttls, auth

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "SmtpServer":
        kwargs = {}
        if self.tls_context is not None:
            kwargs.update(tls_context=self.tls_context, require_starttls=self.require_starttls)
        if self.auth is not None:
            users = self.auth

            def authenticate(server, session, envelope, mechanism, auth_data):
                from aiosmtpd.smtp import AuthResult

                ok = users.get(auth_data.login.decode()) == auth_data.password.decode()
                return AuthResult(success=ok)

            kwargs.update(authenticator=authenticate, auth_require_tls=self.tls_context is not None)
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port,
                                     server_hostname="localhost", ready_timeout=5.0, **kwargs)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages

    def wait_for(self, count: int, timeout: float = 15.0) -> list[EmailMessage]:
        return self.inbox.wait_for(count, timeout)


def parts(message: EmailMessage) -> tuple[str, str]:
    """The text and the HTML part of a mail."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html
