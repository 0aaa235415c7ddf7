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
import socket
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


def smtp_exchange(client: smtplib.SMTP, envelope: str, to: str, data: bytes, ready=None) -> None:
    """One message over an open connection, as ``smtplib.SMTP.sendmail`` would
    send it but with two differences. MAIL, RCPT and DATA go in one write when
    the server offers PIPELINING (RFC 2920): two round trips instead of four.
    And ``ready()``, if given, is called after the server's 354 and before the
    body and its final "." that make the server accept the message; the caller
    waits there for the previous message's record, so that wait overlaps this
    message's MAIL/RCPT/DATA round trip. If ``ready()`` is false (or raises)
    the connection is dropped in DATA, and the server discards the message.
    Raises smtplib's exceptions for refusals."""
    client.ehlo_or_helo_if_needed()  # Django's backend opens without EHLO when no TLS or login
    if not getattr(client, "_mh_nodelay", False):
        # The final "." is a small write after the body: without NODELAY, Nagle's
        # algorithm holds it until the server's delayed ACK (40 ms) arrives.
        client.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client._mh_nodelay = True
    commands = [f"MAIL FROM:<{envelope}>", f"RCPT TO:<{to}>", "DATA"]
    if client.has_extn("pipelining"):
        client.send(("\r\n".join(commands) + "\r\n").encode("ascii"))
        replies = [client.getreply() for _ in commands]
    else:
        replies = []
        for command in commands:
            client.putcmd(command)
            replies.append(client.getreply())
            if replies[-1][0] >= 400:
                break
    (mail_code, mail_reply), rcpt = replies[0], replies[1:2]
    if mail_code != 250:
        _reset(client)
        raise smtplib.SMTPSenderRefused(mail_code, mail_reply, envelope)
    if rcpt and rcpt[0][0] not in (250, 251):
        _reset(client, in_data=len(replies) == 3 and replies[2][0] == 354)
        raise smtplib.SMTPRecipientsRefused({to: rcpt[0]})
    data_code, data_reply = replies[2] if len(replies) == 3 else (554, b"no DATA")
    if data_code != 354:
        _reset(client)
        raise smtplib.SMTPDataError(data_code, data_reply)
    # Dot-stuffing (RFC 5321 4.5.2) only where a line starts with "." (a header
    # line never does): the regular expression over every whole message cost
    # as much as building it.
    body = smtplib._quote_periods(data) if b"\n." in data else data
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    if ready is not None:
        try:
            recorded = ready()
        except BaseException:
            client.close()  # no final ".": the server never accepts this message
            raise
        if not recorded:
            client.close()
            raise LeaseLost()
    # The body and its final "." in one write: one segment for the server to read.
    client.send(body + b".\r\n")
    code, reply = client.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


def _reset(client: smtplib.SMTP, *, in_data: bool = False) -> None:
    if in_data:  # a server that said 354 anyway: end the empty message, then reset
        client.send(b".\r\n")
        client.getreply()
    client.rset()


class Transport:
    """One open connection to the mail server or provider, reused for many messages."""

    # Whether ``send`` takes the message as MIME bytes (``data``) instead of ``rendered``.
    takes_mime = False

    def send(self, *, rendered, sender, to, message_id, headers, ready=None, data=None) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SMTPTransport(Transport):
    """Raw SMTP over the connection Django's SMTP backend opens (its host, port,
    TLS and login settings), reopened after the server drops it."""

    takes_mime = True

    def __init__(self) -> None:
        self.backend = get_connection(fail_silently=False)
        self.envelope = envelope_sender()

    def connect(self) -> smtplib.SMTP:
        """The open connection, for ``multiplex`` to drive."""
        if self.backend.connection is None:
            self.backend.open()
        return self.backend.connection

    def send(self, *, rendered, sender, to, message_id, headers, ready=None, data=None) -> None:
        if data is None:
            data = mime_bytes(
                rendered=rendered, sender=sender, to=to, message_id=message_id, headers=headers
            )
        if self.backend.connection is None:
            self.backend.open()
        try:
            smtp_exchange(self.backend.connection, self.envelope, to, data, ready)
        except LeaseLost:
            self.backend.connection = None
            raise
        except smtplib.SMTPResponseException:
            raise  # a refusal: the connection is fine (smtp_exchange reset it)
        except OSError:  # disconnected, refused, timed out (SMTPException is an OSError)
            self._drop()
            raise

    def _drop(self) -> None:
        # A broken connection may fail to close; it is gone anyway.
        with contextlib.suppress(Exception):
            self.backend.close()
        self.backend.connection = None

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
