"""The one-thread SMTP driver (``masthead/mail/multiplex.py``) against a server
that offers PIPELINING, with no database: what reaches the server, refusals at
every step, a server that hangs up, and the record that must be in before a
connection's next message may be accepted.

aiosmtpd (the other tests' server) does not offer PIPELINING, so the driver's
one-command-at-a-time path is what those tests cover; this server answers the
pipelined commands in order, as RFC 2920 servers do."""

from __future__ import annotations

import smtplib
import socket
import socketserver
import threading
import time

import pytest

from masthead.mail.multiplex import InstantRecorder, Multiplexer, smtp_body
from masthead.mail.transport import LeaseLost, RateLimiter
from tests.smtp_server import _free_port


class PipeliningServer(socketserver.ThreadingTCPServer):
    """Accepts everything except what ``refuse`` names: {recipient: (stage,
    reply)} with stage "rcpt", "data" (the DATA command) or "final" (after the
    "."); with stage "rcpt+354" the refused RCPT is followed by a 354 to DATA
    anyway. ``hang_up_after`` closes a connection after that many messages."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, *, refuse=None, hang_up_after=None, silent=False) -> None:
        self.refuse = refuse or {}
        self.silent = silent  # answers EHLO, then nothing
        self.hang_up_after = hang_up_after
        self.accepted: list[tuple[str, bytes]] = []
        self.connections = 0
        self.pipelined = False  # a command arrived while another was unanswered
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", _free_port()), _Session)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.server_address[1]


class _Session(socketserver.StreamRequestHandler):
    disable_nagle_algorithm = True  # each reply is a small write of its own

    def handle(self) -> None:
        server: PipeliningServer = self.server
        with server.lock:
            server.connections += 1
        write = self.wfile.write
        write(b"220 test ESMTP\r\n")
        rcpt, refused, count = None, None, 0
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                write(b"250-test\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
            elif server.silent:
                continue
            elif verb == b"MAIL":
                server.pipelined |= b"RCPT" in self.rfile.peek()
                rcpt, refused = None, None
                write(b"250 OK\r\n")
            elif verb == b"RCPT":
                rcpt = line.split(b"<", 1)[1].split(b">", 1)[0].decode()
                refused = server.refuse.get(rcpt)
                if refused and refused[0].startswith("rcpt"):
                    write(refused[1].encode() + b"\r\n")
                else:
                    write(b"250 OK\r\n")
            elif verb == b"DATA":
                if refused and refused[0] == "rcpt":
                    write(b"503 5.5.1 No valid recipients\r\n")
                    continue
                if refused and refused[0] == "data":
                    write(refused[1].encode() + b"\r\n")
                    continue
                write(b"354 Go ahead\r\n")
                body = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    if not chunk:
                        return
                    body += chunk
                if refused and refused[0] == "final":
                    write(refused[1].encode() + b"\r\n")
                    continue
                if refused and refused[0] == "rcpt+354":
                    write(b"554 5.5.1 No valid recipients\r\n")
                    continue
                with server.lock:
                    server.accepted.append((rcpt, body))
                write(b"250 Queued\r\n")
                count += 1
                if server.hang_up_after and count >= server.hang_up_after:
                    return
            elif verb in (b"RSET", b"NOOP"):
                write(b"250 OK\r\n")
            elif verb == b"QUIT":
                write(b"221 Bye\r\n")
                return
            else:
                write(b"500 What\r\n")


class _Transport:
    def __init__(self, port: int, timeout: float = 10) -> None:
        self.port, self.backend, self.connection, self.timeout = port, self, None, timeout

    def connect(self) -> smtplib.SMTP:
        if self.connection is None:
            self.connection = smtplib.SMTP("127.0.0.1", self.port, timeout=self.timeout)
        return self.connection


class Records(InstantRecorder):
    """A recorder in memory: records at once unless told to hold or refuse."""

    def __init__(self, *, refuse: set[int] = frozenset()) -> None:
        self.added: list[int] = []
        self.refuse = refuse

    def add(self, delivery_id: int) -> None:
        self.added.append(delivery_id)

    def recorded(self, delivery_id: int) -> bool | None:
        return delivery_id not in self.refuse


def message(n: int, body: bytes = b"") -> tuple[int, str, bytes]:
    to = f"reader{n}@example.org"
    return n, to, b"To: " + to.encode() + b"\r\nSubject: Hello\r\n\r\n" + (body or b"Body.\r\n")


def send(server: PipeliningServer, messages, *, connections=3, records=None):
    failures: dict[int, BaseException] = {}
    records = records or Records()
    sender = Multiplexer(
        [_Transport(server.port) for _ in range(connections)],
        records,
        envelope="news@example.org",
        failed=lambda delivery_id, exc: failures.setdefault(delivery_id, exc),
    )
    untried = sender.run(iter(messages))
    return untried, failures, records


def test_every_message_arrives_once_over_pipelined_connections():
    server = PipeliningServer()
    untried, failures, records = send(server, [message(n) for n in range(1, 41)])
    assert server.pipelined  # MAIL, RCPT and DATA arrived in one read
    assert untried == [] and failures == {}
    assert sorted(rcpt for rcpt, _ in server.accepted) == sorted(
        f"reader{n}@example.org" for n in range(1, 41)
    )
    assert sorted(records.added) == list(range(1, 41))
    assert server.connections == 3


def test_lines_starting_with_a_dot_are_stuffed_and_arrive_whole():
    server = PipeliningServer()
    send(server, [message(1, b".NET\r\n.\r\n..x\r\nend")], connections=1)
    ((_, body),) = server.accepted
    assert body.endswith(b"\r\n..NET\r\n..\r\n...x\r\nend\r\n")  # as sent: stuffed
    assert smtp_body(b"a\r\n.b") == b"a\r\n..b\r\n.\r\n"


def _code(exc: BaseException) -> int:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        ((code, _),) = exc.recipients.values()
        return code
    return exc.smtp_code


@pytest.mark.parametrize(
    ("stage", "reply", "code"),
    [
        ("rcpt", "550 5.1.1 No such mailbox", 550),
        ("rcpt+354", "550 5.1.1 No such mailbox", 550),
        ("data", "451 4.3.0 Try again later", 451),
        ("final", "452 4.3.1 Insufficient storage", 452),
    ],
)
def test_a_refused_message_is_failed_with_its_code_and_the_connection_goes_on(stage, reply, code):
    server = PipeliningServer(refuse={"reader2@example.org": (stage, reply)})
    untried, failures, records = send(server, [message(n) for n in range(1, 6)], connections=1)
    assert list(failures) == [2] and _code(failures[2]) == code
    # The same one connection sent the others after an RSET.
    accepted = [rcpt for rcpt, _ in server.accepted]
    assert accepted == [f"reader{n}@example.org" for n in (1, 3, 4, 5)]
    assert records.added == [1, 3, 4, 5]
    assert server.connections == 1


def test_a_server_that_hangs_up_fails_the_message_in_hand_and_is_reconnected():
    server = PipeliningServer(hang_up_after=2)
    untried, failures, records = send(server, [message(n) for n in range(1, 8)], connections=1)
    # Each connection takes two messages; the one started after the hang-up fails
    # (transient: it is retried after the backoff) and a new connection goes on.
    accepted = [rcpt for rcpt, _ in server.accepted]
    assert accepted == [f"reader{n}@example.org" for n in (1, 2, 4, 5, 7)]
    assert sorted(failures) == [3, 6] and untried == []
    assert all(isinstance(exc, OSError) for exc in failures.values())
    assert records.added == [1, 2, 4, 5, 7]
    assert server.connections == 3


def test_no_reachable_server_leaves_every_message_untried_with_the_reason():
    closed = type("Closed", (), {"port": _free_port()})()  # nothing listens there
    failures: dict = {}
    sender = Multiplexer(
        [_Transport(closed.port)], Records(), envelope="n@example.org", failed=failures.setdefault
    )
    untried = sender.run(iter([message(n) for n in range(1, 4)]))
    assert [m[0] for m in untried] == [1, 2, 3] and failures == {}
    assert isinstance(sender.error, ConnectionRefusedError)


def test_a_record_found_taken_stops_the_connection_before_its_next_message():
    """The first message's row was no longer queued (another worker holds the
    batch): the connection must not have another message accepted."""
    server = PipeliningServer()
    with pytest.raises(LeaseLost):
        send(server, [message(n) for n in range(1, 5)], connections=1, records=Records(refuse={1}))
    assert [rcpt for rcpt, _ in server.accepted] == ["reader1@example.org"]


class SlowRecords(Records):
    """Each record is in only thirty rounds of the driver's loop after it was
    added; counts, at each acceptance, the messages accepted but not recorded."""

    def __init__(self, server: PipeliningServer) -> None:
        super().__init__()
        self.server = server
        self.rounds: dict[int, int] = {}
        self.unrecorded_max = 0
        # Always readable while records are on their way: the driver's poll()
        # returns at once instead of waiting for a socket.
        self.wake, other = socket.socketpair()
        other.send(b"x")
        self._keep = other

    def add(self, delivery_id: int) -> None:
        super().add(delivery_id)
        self.rounds[delivery_id] = 0
        recorded = sum(1 for n in self.rounds.values() if n >= 30)
        self.unrecorded_max = max(self.unrecorded_max, len(self.server.accepted) - recorded)

    def pump(self) -> None:
        for delivery_id in self.rounds:
            self.rounds[delivery_id] += 1

    def recorded(self, delivery_id: int):
        return True if self.rounds[delivery_id] >= 30 else None

    def fileno(self):
        return self.wake.fileno() if any(n < 30 for n in self.rounds.values()) else None

    def settled(self) -> bool:
        return all(n >= 30 for n in self.rounds.values())


def test_a_connection_never_has_two_accepted_messages_unrecorded():
    server = PipeliningServer()
    records = SlowRecords(server)
    untried, failures, _ = send(
        server, [message(n) for n in range(1, 31)], connections=3, records=records
    )
    assert len(server.accepted) == 30 and failures == {} and untried == []
    assert 1 <= records.unrecorded_max <= 3  # one per connection at most


def test_an_idle_connection_is_handed_back_blocking_with_its_timeout():
    server = PipeliningServer()
    transports = [_Transport(server.port)]
    Multiplexer(transports, Records(), envelope="n@example.org", failed=print).run(
        iter([message(1)])
    )
    client = transports[0].connection
    assert client.sock.gettimeout() == 10  # ready to be kept for the next batch
    assert client.noop()[0] == 250
    client.quit()


def test_the_rate_limit_spaces_the_messages_of_all_connections():
    """``MAIL_RATE`` as the driver keeps it: 10 messages at 50 a second over
    three connections take at least 9 intervals, and all arrive."""
    server = PipeliningServer()
    limiter = RateLimiter(50)
    sender = Multiplexer(
        [_Transport(server.port) for _ in range(3)],
        Records(),
        envelope="n@example.org",
        failed=print,
        pace=limiter.take,
    )
    began = time.monotonic()
    assert sender.run(iter([message(n) for n in range(1, 11)])) == []
    assert time.monotonic() - began >= 9 / 50 - 0.005
    assert len(server.accepted) == 10


def test_a_server_gone_silent_mid_message_is_given_up_after_the_timeout():
    """As a blocking socket would time out: else the loop, which renews the
    batch's lease, would wait for ever and no other worker could take over."""
    server = PipeliningServer(silent=True)
    failures: dict = {}
    sender = Multiplexer(
        [_Transport(server.port, timeout=0.2)],
        Records(),
        envelope="n@example.org",
        failed=failures.setdefault,
    )
    began = time.monotonic()
    assert sender.run(iter([message(1), message(2)])) == []
    assert sorted(failures) == [1, 2]  # each retried later (transient)
    assert all(isinstance(exc, TimeoutError) for exc in failures.values())
    assert 0.4 <= time.monotonic() - began < 5
