"""One SMTP connection driven without blocking, for ``multiplex``: its socket,
what it has written and read, the message on it and what it waits for.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
import time

from .transport import SMTPTransport

# What a connection waits for.
IDLE, COMMANDS, RECORD, FINAL, RESET, GONE = "idle", "commands", "record", "final", "reset", "gone"


def smtp_body(data: bytes) -> bytes:
    """A message as DATA sends it: dot-stuffed (RFC 5321 4.5.2), CRLF-ended,
    with the final ".". Stuffing only where a line starts with "." (a header
    line never does): a regular expression over every whole message cost as
    much as building it."""
    if data.startswith(b".") or b"\n." in data:
        data = smtplib._quote_periods(data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


class Dropped(OSError):
    """The connection broke with a message in hand."""


# How long a server may stay silent mid-message when EMAIL_TIMEOUT is unset,
# and how often the loop looks for such servers.
DEFAULT_TIMEOUT = 60.0
SILENCE_CHECK_MS = 100.0


def silent_too_long(limit: float) -> None:
    raise TimeoutError(f"the SMTP server said nothing for {limit:g} s")


class Connection:
    """One SMTP connection, its socket non-blocking, and the message on it."""

    def __init__(self, transport: SMTPTransport) -> None:
        self.transport = transport
        self.client = client = transport.connect()
        client.ehlo_or_helo_if_needed()  # Django's backend opens without EHLO unless TLS or login
        self.pipelining = client.has_extn("pipelining")
        self.sock = client.sock
        self.timeout = self.sock.gettimeout()
        self.waiting_since = time.monotonic()  # when the server was last heard from (or written to)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.inbox = bytearray()
        self.outbox = bytearray()
        self.state = IDLE
        self.message = None  # (delivery_id, to, data) in hand
        self.replies: list[tuple[int, bytes]] = []
        self.unsent: list[bytes] = []  # commands held back (no PIPELINING)
        self.expected = 0  # replies still due to an RSET
        self.last: int | None = None  # the last accepted message (its record may be pending)
        self.failure: BaseException | None = None  # a refusal that waits for its RSET

    def fileno(self) -> int:
        return self.sock.fileno()

    def write(self, data: bytes) -> None:
        self.waiting_since = time.monotonic()
        self.outbox += data
        self.flush()

    def flush(self) -> None:
        try:
            while self.outbox:
                sent = self.sock.send(self.outbox)
                del self.outbox[:sent]
        except (BlockingIOError, ssl.SSLWantWriteError, ssl.SSLWantReadError):
            pass

    def read(self) -> list[tuple[int, bytes]]:
        """The complete replies that arrived; raises Dropped if the server hung up."""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise Dropped("the server closed the connection")
                self.inbox += chunk
                self.waiting_since = time.monotonic()
                if not isinstance(self.sock, ssl.SSLSocket) or not self.sock.pending():
                    break
        except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
            pass
        replies = []
        while True:
            end = self.inbox.find(b"\r\n")
            if end < 0:
                return replies
            # A multiline reply: "250-..." lines, then "250 ...".
            start = 0
            while self.inbox[start + 3 : start + 4] == b"-":
                start = end + 2
                end = self.inbox.find(b"\r\n", start)
                if end < 0:
                    return replies
            line = bytes(self.inbox[start:end])
            del self.inbox[: end + 2]
            try:
                replies.append((int(line[:3]), line[4:]))
            except ValueError:
                raise Dropped(f"not an SMTP reply: {line[:80]!r}") from None

    def begin(self, message: tuple[int, str, bytes], envelope: str) -> None:
        self.message, self.replies, self.state = message, [], COMMANDS
        commands = [
            f"MAIL FROM:<{envelope}>\r\n".encode(),
            f"RCPT TO:<{message[1]}>\r\n".encode(),
            b"DATA\r\n",
        ]
        if self.pipelining:
            self.unsent = []
            self.write(b"".join(commands))
        else:
            self.unsent = commands[1:]
            self.write(commands[0])

    def close(self) -> None:
        """Hang up: a message in DATA without its "." is discarded by the server."""
        self.state = GONE
        with contextlib.suppress(Exception):
            self.client.close()
        self.transport.backend.connection = None

    def release(self) -> None:
        """Back to blocking, for the transport to be kept (or to say QUIT)."""
        self.sock.settimeout(self.timeout)
