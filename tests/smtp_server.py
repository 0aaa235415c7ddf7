"""A real SMTP server (aiosmtpd) on 127.0.0.1 for tests, and Django pointed at it.

``smtp_server`` collects every message it accepts; ``wait_for(n)`` blocks until
n have arrived (or fails after a timeout) instead of sleeping blindly.
``fail_next(n, code)`` makes the next n messages be refused, to test retries;
``refuse_next(n, code)`` the next n recipients, at RCPT TO.
``smtp_backend`` switches Django's email backend to SMTP against that server.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CollectingHandler:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._changed = threading.Condition()
        self._failures: list[str] = []
        self._refusals: list[str] = []
        self.delay = 0.0  # seconds before answering DATA: a slower server, for load tests
        self.peers: list[tuple] = []  # the client connection each message came over
        self.quits: list[tuple] = []  # the client connections that said QUIT

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        with self._changed:
            if self._refusals:
                return self._refusals.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's API)
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._changed:
            if self._failures:
                return self._failures.pop(0)
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.peers.append(session.peer)
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802 (aiosmtpd's API)
        with self._changed:
            self.quits.append(session.peer)
            self._changed.notify_all()
        return "221 Bye"

    def fail_next(self, count: int = 1, reply: str = "451 4.3.0 Try again later") -> None:
        with self._changed:
            self._failures.extend([reply] * count)

    def refuse_next(self, count: int = 1, reply: str = "450 4.2.1 Mailbox busy") -> None:
        with self._changed:
            self._refusals.extend([reply] * count)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[EmailMessage]:
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError(
                    f"expected {count} message(s) within {timeout}s, got {len(self.messages)}"
                )
            return list(self.messages)


class SMTPServer:
    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.handler = CollectingHandler()
        self.controller = Controller(self.handler, hostname=self.host, port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def wait_for(self, count: int, timeout: float = 5.0) -> list[EmailMessage]:
        return self.handler.wait_for(count, timeout)

    def fail_next(self, count: int = 1, reply: str = "451 4.3.0 Try again later") -> None:
        self.handler.fail_next(count, reply)

    def refuse_next(self, count: int = 1, reply: str = "450 4.2.1 Mailbox busy") -> None:
        self.handler.refuse_next(count, reply)


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.controller.start()
    try:
        yield server
    finally:
        server.controller.stop()


@pytest.fixture
def smtp_backend(smtp_server, settings):
    """Django sends real SMTP to ``smtp_server`` for the duration of the test."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return smtp_server
