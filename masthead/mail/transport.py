"""Putting bulk messages on the wire: a reused SMTP connection fed pre-built
MIME bytes, or, for any other Django email backend (django-anymail's
providers, the demo mailbox), that backend's open connection.

Building the MIME text by hand is what lets one worker send thousands of
messages a second: Python's ``email`` package takes longer to serialise a
message than the SMTP exchange takes. The layout is fixed and simple
(multipart/alternative, two quoted-printable UTF-8 parts), and every test that
receives one parses it with the standard library's strict policy.
"""

from __future__ import annotations

import binascii
import contextlib
import re
import smtplib
import time
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

if TYPE_CHECKING:
    from .rendering import PreparedEmail, RenderedEmail

_BOUNDARY = "=_mh-alt-7a3f"  # "=" never appears unescaped in quoted-printable text


def envelope_sender() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def from_header(name: str) -> str:
    """The From header: ``name`` (or the configured one) and DEFAULT_FROM_EMAIL's address."""
    default_name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    name = re.sub(r"[\r\n]+", " ", name or default_name).strip()
    return formataddr((name, address), charset="utf-8") if name else address


@lru_cache(maxsize=64)
def _encoded_subject(subject: str) -> str:
    return Header(subject, "utf-8", header_name="Subject").encode()


def _qp(text: str) -> bytes:
    """Quoted-printable, CRLF line endings. Quoted-printable encodes each line
    on its own (a soft break never crosses a line end), so the encoding is
    the lines' encodings joined, and a line seen before is not encoded again:
    in a bulk send only the lines holding a personal value are new, and
    encoding the whole text was the largest cost per message."""
    lines = text.replace("\r\n", "\n").split("\n")
    last = lines.pop()  # ends the text, not a line: encoded as such
    return b"\r\n".join([*(_qp_line(line, True) for line in lines), _qp_line(last, False)])


@lru_cache(maxsize=4096)
def _qp_line(line: str, ends_in_newline: bool) -> bytes:
    if ends_in_newline:
        data = binascii.b2a_qp(line.encode("utf-8") + b"\n", quotetabs=False, istext=True)[:-1]
    else:
        data = binascii.b2a_qp(line.encode("utf-8"), quotetabs=False, istext=True)
    return data.replace(b"\n", b"\r\n")  # the soft line breaks of a long line


_date_cache: tuple[int, str] = (0, "")


def _date_header() -> str:
    """The Date header, formatted once a second, not once a message."""
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, formatdate(now, usegmt=True))
    return _date_cache[1]


_PART = (
    '--{b}\r\nContent-Type: text/{kind}; charset="utf-8"\r\n'
    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
)
_TEXT_PART = _PART.format(b=_BOUNDARY, kind="plain").encode()
_HTML_PART = _PART.format(b=_BOUNDARY, kind="html").encode()
_END = f"\r\n--{_BOUNDARY}--\r\n".encode()


def _head(*, subject: str, sender: str, to: str, message_id: str, headers: dict) -> bytes:
    lines = [
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {_encoded_subject(subject)}",
        f"Date: {_date_header()}",
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
    ]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f'Content-Type: multipart/alternative; boundary="{_BOUNDARY}"')
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def mime_bytes(
    *, rendered: RenderedEmail, sender: str, to: str, message_id: str, headers: dict
) -> bytes:
    """The whole message, CRLF line endings, ready for SMTP DATA."""
    head = _head(subject=rendered.subject, sender=sender, to=to, message_id=message_id,
                 headers=headers)  # fmt: skip
    return b"".join(
        [head, _TEXT_PART, _qp(rendered.text), b"\r\n", _HTML_PART, _qp(rendered.html), _END]
    )


class BulkMime:
    """The MIME text of a prepared bulk email, encoded once for all its
    recipients: per message only the head and the lines that hold a personal
    value (the unsubscribe link, a name) are written and encoded. Byte for byte
    what ``mime_bytes`` makes of ``prepared.personalise(personal)``, as long as
    no personal value holds a line break (``takes``); for the rest, building
    and encoding every line again per message was most of a message's cost."""

    def __init__(self, prepared: PreparedEmail) -> None:
        self.prepared = prepared
        self.subject_is_personal = prepared.marks(prepared.subject)
        self.text = self._segments(prepared.text)
        self.html = self._segments(prepared.html)

    def _segments(self, text: str) -> list:
        """The text's lines encoded, runs of impersonal lines joined into one
        ``bytes``; a personal line kept as ``(line, ends_in_newline)``."""
        lines = text.replace("\r\n", "\n").split("\n")
        segments: list = []
        run: list[bytes] = []
        for index, line in enumerate(lines):
            ends_in_newline = index < len(lines) - 1
            if self.prepared.marks(line):
                if run:
                    segments.append(b"\r\n".join(run))
                    run = []
                segments.append((line, ends_in_newline))
            else:
                run.append(_qp_line.__wrapped__(line, ends_in_newline))
        if run:
            segments.append(b"\r\n".join(run))
        return segments

    @staticmethod
    def takes(personal: dict) -> bool:
        """Whether ``data`` can write this recipient's message (no line breaks in values)."""
        return not any("\n" in str(value) or "\r" in str(value) for value in personal.values())

    def _encode(self, segments: list, personal: dict) -> bytes:
        substitute, encode = self.prepared.substitute, _qp_line.__wrapped__
        return b"\r\n".join(
            [
                segment
                if type(segment) is bytes
                else encode(substitute(segment[0], personal), segment[1])
                for segment in segments
            ]
        )

    def data(
        self, *, personal: dict, sender: str, to: str, message_id: str, headers: dict
    ) -> bytes:
        prepared = self.prepared
        subject = prepared.subject
        if self.subject_is_personal:
            subject = prepared.substitute(subject, personal)
        head = _head(subject=subject, sender=sender, to=to, message_id=message_id, headers=headers)
        return b"".join(
            [
                head,
                _TEXT_PART,
                self._encode(self.text, personal),
                b"\r\n",
                _HTML_PART,
                self._encode(self.html, personal),
                _END,
            ]
        )


class LeaseLost(Exception):
    """The batch passed to another worker: the message in hand must not be sent."""


class Transport:
    """One open connection to the mail server or provider, reused for many messages."""

    def send(self, *, rendered, sender, to, message_id, headers, ready=None, data=None) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SMTPTransport(Transport):
    """Raw SMTP over the connection Django's SMTP backend opens (its host, port,
    TLS and login settings), driven by ``multiplex``, which clears
    ``backend.connection`` when the server drops it."""

    def __init__(self) -> None:
        self.backend = get_connection(fail_silently=False)
        self.envelope = envelope_sender()

    def connect(self) -> smtplib.SMTP:
        """The open connection, for ``multiplex`` to drive."""
        if self.backend.connection is None:
            self.backend.open()
        return self.backend.connection

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.backend.close()


class BackendTransport(Transport):
    """Any other Django email backend: one message per call on an open connection."""

    def __init__(self) -> None:
        self.backend = get_connection(fail_silently=False)
        self.backend.open()

    def send(self, *, rendered, sender, to, message_id, headers, ready=None, data=None) -> None:
        if ready is not None and not ready():
            raise LeaseLost()
        message = EmailMultiAlternatives(
            subject=rendered.subject,
            body=rendered.text,
            from_email=sender,
            to=[to],
            headers={**headers, "Message-ID": message_id},
            connection=self.backend,
        )
        message.attach_alternative(rendered.html, "text/html")
        message.send(fail_silently=False)

    def close(self) -> None:
        self.backend.close()


def transport_open() -> Transport:
    """Raw SMTP when the configured backend is Django's SMTP one, else that backend."""
    if type(get_connection()) is SMTPBackend:
        return SMTPTransport()
    return BackendTransport()


class RateLimiter:
    """At most ``rate`` messages a second from this process (0: no limit), as
    a token bucket shared by the sending threads."""

    def __init__(self, rate: float) -> None:
        import threading

        self.rate = rate
        self._lock = threading.Lock()
        self._next = time.monotonic()

    def take(self) -> float:
        """Without waiting: 0 if a message may start now (its slot is taken),
        else the seconds until one may."""
        if self.rate <= 0:
            return 0.0
        with self._lock:
            now = time.monotonic()
            if self._next > now:
                return self._next - now
            self._next = now + 1.0 / self.rate
            return 0.0

    def wait(self) -> None:
        if self.rate <= 0:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(self._next, now)
            self._next = slot + 1.0 / self.rate
        if slot > now:
            time.sleep(slot - now)
