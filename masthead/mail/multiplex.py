"""A batch's SMTP connections driven from one thread.

Four sending threads, one per connection, spent most of a worker's CPU handing
the interpreter lock and the record connection to one another: under ``perf``
a third of the worker's samples were the kernel switching threads and waking
waiters, its Python a tenth (decision 0010, "One thread"). Here one thread
keeps every connection of the batch busy with ``poll()``: it starts the next
message on whichever connection is free, writes a body once the server said
354 and the connection's previous message is recorded, and hands accepted
messages to the recorder, which commits them in groups.

The guarantee is the threads' one: a connection's next body and final "."
go out only once its previous accepted message is committed *sent*, so at any
instant a connection has at most one message the server accepted and the
database does not know about.

Per connection and message: MAIL, RCPT and DATA in one write when the server
offers PIPELINING (RFC 2920; one at a time otherwise), then the body and its
"." in one write. A refusal is recorded for its message and the connection is
reset (RSET); a dropped connection is reopened, and a batch whose
connections cannot be opened leaves its rest for a retry.
"""

from __future__ import annotations

import contextlib
import select
import smtplib
import time
from collections.abc import Callable, Iterator

from .smtp_connection import (
    COMMANDS,
    DEFAULT_TIMEOUT,
    FINAL,
    GONE,
    IDLE,
    RECORD,
    RESET,
    SILENCE_CHECK_MS,
    Connection,
    Dropped,
    silent_too_long,
    smtp_body,
)
from .transport import LeaseLost, SMTPTransport


class InstantRecorder:
    """A recorder whose records are in once ``add`` returns: nothing to send,
    to poll or to wait for. The base of ``recording.OrmRecorder``, and of a driver
    with no database (the benchmark's ceiling, tests)."""

    def pump(self) -> None:
        pass

    def fileno(self) -> None:
        return None

    def read(self) -> None:
        pass

    def settled(self) -> bool:
        return True


__all__ = ["InstantRecorder", "Multiplexer", "smtp_body"]


class Multiplexer:
    """Sends ``messages`` (an iterator of (delivery_id, to, data)) over
    ``transports``. ``recorder`` commits accepted messages (``add``, ``pump``,
    ``recorded``, ``fileno``, ``read``); ``failed(id, exc)`` records a refused
    or undeliverable message; ``check()`` is called now and then and raises
    LeaseLost when the batch passed to another worker; ``pace()`` returns how
    long to wait before the next message may start (the rate limit)."""

    def __init__(
        self,
        transports: list[SMTPTransport],
        recorder,
        *,
        envelope: str,
        failed: Callable[[int, BaseException], None],
        check: Callable[[], None] = lambda: None,
        pace: Callable[[], float] = lambda: 0.0,
    ) -> None:
        self.transports, self.recorder, self.envelope = transports, recorder, envelope
        self.failed, self.check, self.pace = failed, check, pace
        self.connections: list[Connection] = []
        self.error: BaseException | None = None  # why a connection could not be opened
        self._silence_checked = 0.0

    def run(self, messages: Iterator) -> list[tuple[int, str, bytes]]:
        """Send until ``messages`` runs out; returns the messages never tried
        because no connection could be opened (``self.error`` says why).
        Raises LeaseLost, and whatever the recorder raises."""
        for transport in self.transports:
            self._open(transport)
        poller = select.poll()
        try:
            self._loop(messages, poller)
            self._records_in()
        finally:
            for connection in self.connections:
                if connection.state not in (IDLE, GONE):
                    connection.close()  # mid-message: the server discards it
                elif connection.state == IDLE:
                    connection.release()
        return list(messages)

    def _open(self, transport: SMTPTransport) -> Connection | None:
        try:
            connection = Connection(transport)
        except (OSError, smtplib.SMTPException) as exc:
            self.error = exc
            # Half open (greeting or EHLO failed): close it, or the transport
            # would hand the dead client to the next batch.
            client, transport.backend.connection = transport.backend.connection, None
            if client is not None:
                with contextlib.suppress(Exception):
                    client.close()
            return None
        self.connections.append(connection)
        return connection

    def _loop(self, messages: Iterator, poller) -> None:
        exhausted = False
        registered: dict[
            int, tuple
        ] = {}  # fd -> (its connection, or None for the record's; events)
        while True:
            self.check()
            if all(c.state == GONE for c in self.connections):
                return
            wait_ms, moved = None, True
            while moved:  # move every connection that can move without waiting
                moved = False
                for connection in list(self.connections):
                    if connection.state == IDLE and not exhausted:
                        delay = self.pace()
                        if delay > 0:
                            wait_ms = min(wait_ms or 1e9, delay * 1000)
                            continue
                        message = next(messages, None)
                        if message is None:
                            exhausted = True
                            continue
                        self._guarded(connection, connection.begin, message, self.envelope)
                        moved = True
                    elif connection.state == RECORD:
                        self._guarded(connection, self._body_if_recorded, connection)
                        moved = connection.state != RECORD or moved
            self.recorder.pump()
            if (
                exhausted
                and all(c.state in (IDLE, GONE) for c in self.connections)
                and self.recorder.settled()
            ):
                return
            self._watch(poller, registered)
            if not registered and wait_ms is None:
                raise RuntimeError("the multiplexer has nothing to wait for")  # a bug, loudly
            for fd, _ in poller.poll(self._poll_ms(wait_ms)):
                connection = registered[fd][0]
                if connection is None:
                    self.recorder.read()
                    continue
                if connection.state == GONE:
                    continue  # hung up while an earlier event was handled
                if connection.outbox:
                    self._guarded(connection, connection.flush)
                if connection.state != GONE:
                    self._guarded(connection, self._answer, connection)
            self._give_up_on_silent_servers()

    def _records_in(self) -> None:
        """Before returning: every accepted message's record committed (even
        when every connection broke, or they would be sent again), and none
        found taken by another worker."""
        while not self.recorder.settled():
            self.recorder.pump()
            fd = self.recorder.fileno()
            if fd is not None:
                select.select([fd], [], [], 1.0)
                self.recorder.read()
        for connection in self.connections:
            if connection.last is not None and self.recorder.recorded(connection.last) is False:
                raise LeaseLost()

    def _poll_ms(self, wait_ms: float | None) -> float:
        """How long to wait: until a paced message may start, and at most a
        tenth of a second, so that silent servers are noticed in time."""
        return min(SILENCE_CHECK_MS, 1000.0 if wait_ms is None else wait_ms)

    def _give_up_on_silent_servers(self) -> None:
        """A server that stops answering mid-message is dropped after the
        connection's timeout (``EMAIL_TIMEOUT``), as a blocking socket would
        time out: else the loop, which renews the batch's lease, would wait
        for it for ever and no other worker could take the batch."""
        now = time.monotonic()
        if now - self._silence_checked < SILENCE_CHECK_MS / 1000:
            return  # a look every tenth of a second is enough
        self._silence_checked = now
        for connection in self.connections:
            if connection.state in (COMMANDS, FINAL, RESET):
                limit = connection.timeout or DEFAULT_TIMEOUT
                if now - connection.waiting_since > limit:
                    self._guarded(connection, silent_too_long, limit)

    def _watch(self, poller, registered: dict) -> None:
        """Bring the poll set up to date: every open connection for reading
        (an idle one may be told 421, or dropped), for writing too while it has
        bytes waiting, and the record connection while an UPDATE is under way.
        Changed only where something changed: rebuilding the whole set for
        every round cost more than the round's own work."""
        wanted: dict[int, tuple] = {}
        for connection in self.connections:
            if connection.state != GONE:
                events = select.POLLIN | (select.POLLOUT if connection.outbox else 0)
                wanted[connection.fileno()] = (connection, events)
        record_fd = self.recorder.fileno()
        if record_fd is not None:
            wanted[record_fd] = (None, select.POLLIN)
        for fd in [fd for fd in registered if fd not in wanted]:
            poller.unregister(fd)
            del registered[fd]
        for fd, (owner, events) in wanted.items():
            kept = registered.get(fd)
            if kept is None:
                poller.register(fd, events)
            elif kept[1] != events:
                poller.modify(fd, events)
            registered[fd] = (owner, events)

    def _guarded(self, connection: Connection, step, *args) -> None:
        """Run a step; a broken connection fails its message (retried after the
        backoff: it may have been accepted) and is reopened."""
        try:
            step(*args)
        except (OSError, smtplib.SMTPException) as exc:
            message, state = connection.message, connection.state
            connection.close()
            if message is not None and state in (COMMANDS, RECORD, FINAL):
                self.failed(message[0], exc)
            again = self._open(connection.transport)
            if again is not None:
                again.last = connection.last  # its record may still be on its way
                if again.last is not None:
                    again.state = RECORD  # no message before that record is in

    def _answer(self, connection: Connection) -> None:
        for code, text in connection.read():
            if code == 421:
                raise Dropped(f"421 {text.decode(errors='replace')}")
            self._reply(connection, code, text)

    def _reply(self, connection: Connection, code: int, text: bytes) -> None:
        state = connection.state
        if state == COMMANDS:
            connection.replies.append((code, text))
            if connection.pipelining:
                if len(connection.replies) < 3:
                    return
            elif code < 400 and connection.unsent:
                connection.write(connection.unsent.pop(0))
                return
            self._commands_answered(connection)
        elif state == FINAL:
            delivery_id = connection.message[0]
            connection.message, connection.state = None, IDLE
            if code == 250:
                self.recorder.add(delivery_id)
                connection.last = delivery_id
            else:
                self.failed(delivery_id, smtplib.SMTPDataError(code, text))
        elif state == RESET:
            connection.expected -= 1
            if connection.expected == 0:
                connection.state = IDLE
        else:
            raise Dropped(f"an unexpected reply: {code}")

    def _commands_answered(self, connection: Connection) -> None:
        replies = connection.replies
        (mail_code, mail_text), rcpt = replies[0], replies[1:2]
        data = replies[2] if len(replies) == 3 else None
        refusal = None
        if mail_code != 250:
            refusal = smtplib.SMTPSenderRefused(mail_code, mail_text, self.envelope)
        elif rcpt and rcpt[0][0] not in (250, 251):
            refusal = smtplib.SMTPRecipientsRefused({connection.message[1]: rcpt[0]})
        elif data is None or data[0] != 354:
            code, text = data or (554, b"no DATA")
            refusal = smtplib.SMTPDataError(code, text)
        if refusal is None:
            connection.state = RECORD
            self._body_if_recorded(connection)
            return
        self.failed(connection.message[0], refusal)
        connection.message, connection.state = None, RESET
        if data is not None and data[0] == 354:
            # A server that said 354 anyway: end the empty message, then reset.
            connection.expected = 2
            connection.write(b".\r\nRSET\r\n")
        else:
            connection.expected = 1
            connection.write(b"RSET\r\n")

    def _body_if_recorded(self, connection: Connection) -> None:
        if connection.last is not None:
            recorded = self.recorder.recorded(connection.last)
            if recorded is None:
                return  # still on its way to the database
            if recorded is False:
                raise LeaseLost()  # the row was no longer queued: another worker has the batch
            connection.last = None
        if connection.message is None:
            connection.state = IDLE  # a reopened connection, its old record now in
            return
        connection.state = FINAL
        connection.write(smtp_body(connection.message[2]))
