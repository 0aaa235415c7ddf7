"""Recording bulk deliveries *sent*: every accepted message committed before
its connection may have the next one accepted.

Once the server accepted a message, the sender hands its id to the recorder
(``add``); before the body and final "." of the connection's next message it
asks whether that record is in (``recorded``: True once committed, False if
the row was no longer queued — another worker holds the batch now — None
while on its way). So at any instant a connection has at most one message the
server accepted and the database does not know about: the guarantee in the
README's "What sent means".

On PostgreSQL one ``GroupRecorder`` serves every connection of a batch over a
database connection of its own: the ids accepted while one UPDATE is under way
go together in the next (group commit). The one-thread sender
(``multiplex``) polls its socket with the SMTP ones; the provider threads use
``start``/``wait``, which block.
"""

from __future__ import annotations

import select
import threading

from django.db import connection
from django.db.models import F
from django.utils import timezone

from .models import BulkDelivery
from .multiplex import InstantRecorder


class RecordingBroken(Exception):
    """The record connection failed: no pending record's fate is known, so no
    connection may have another message accepted."""


class OrmRecorder(InstantRecorder):
    """Any database, one thread: the UPDATE runs at once, in the caller's thread."""

    def __init__(self) -> None:
        self._done: dict[int, bool] = {}

    def add(self, delivery_id: int) -> None:
        self._done[delivery_id] = bool(
            BulkDelivery.objects.filter(pk=delivery_id, status=BulkDelivery.Status.QUEUED).update(
                status=BulkDelivery.Status.SENT,
                sent_at=timezone.now(),
                attempts=F("attempts") + 1,
                last_error="",
            )
        )

    def recorded(self, delivery_id: int) -> bool | None:
        return self._done.get(delivery_id)

    start = add

    def wait(self, delivery_id: int) -> bool:
        return self._done.pop(delivery_id, True)

    def reset(self) -> None:
        self._done.clear()

    def close(self) -> None:
        pass


class GroupRecorder:
    """PostgreSQL: the pending ids go in one UPDATE, sent without waiting
    (libpq's asynchronous API), while the sender goes on."""

    def __init__(self) -> None:
        import psycopg
        from psycopg import pq

        self._ok = frozenset((pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK))
        s = connection.settings_dict
        self.conn = psycopg.connect(
            dbname=s["NAME"],
            user=s["USER"] or None,
            password=s["PASSWORD"] or None,
            host=s["HOST"] or None,
            port=s["PORT"] or None,
            autocommit=True,
        )
        # A SIGKILLed worker loses nothing committed; only a crash of the database
        # server itself could forget the last moment's records (README: "sent").
        self.conn.execute("SET synchronous_commit TO off")
        table = BulkDelivery._meta.db_table
        self.pg = self.conn.pgconn
        self._check(
            self.pg.prepare(
                b"mh_sent",
                f"UPDATE {table} SET status = 'sent', sent_at = now(), "  # noqa: S608 (our table name)
                f"attempts = attempts + 1, last_error = '' "
                f"WHERE id = ANY($1::bigint[]) AND status = 'queued' RETURNING id".encode(),
            )
        )
        self._pending: list[int] = []  # accepted, not yet in an UPDATE
        self._flying: list[int] | None = None  # in the UPDATE under way
        self._done: dict[int, bool] = {}
        self.broken: BaseException | None = None
        self.groups = self.records = 0  # records / groups: the mean group size
        # For the provider threads' start/wait.
        self._lock = threading.Lock()
        self._answered = threading.Condition(self._lock)
        self._reading = False
        self._poll = select.poll()
        self._poll.register(self.pg.socket, select.POLLIN)

    def _check(self, result) -> None:
        if result.status not in self._ok:
            raise RecordingBroken(result.error_message.decode(errors="replace"))

    # The one-thread sender's side: never blocks.

    def add(self, delivery_id: int) -> None:
        self._pending.append(delivery_id)

    def pump(self) -> None:
        """Send the pending ids if no UPDATE is under way."""
        if self._flying is not None or not self._pending or self.broken:
            return
        ids, self._pending = self._pending, []
        self._flying = ids
        self.groups += 1
        self.records += len(ids)
        try:
            self.pg.send_query_prepared(
                b"mh_sent", [("{" + ",".join(map(str, ids)) + "}").encode()]
            )
            # The connection is non-blocking: what the socket did not take yet
            # must go before an answer can come.
            while self.pg.flush():
                select.select([], [self.pg.socket], [], 1.0)
        except Exception as exc:
            self.broken = exc

    def fileno(self) -> int | None:
        """The socket to poll while an UPDATE is under way."""
        return self.pg.socket if self._flying is not None and not self.broken else None

    def read(self) -> None:
        """Take in what arrived; once the answer is whole, note it and send the next group."""
        try:
            self.pg.consume_input()
            if self.pg.is_busy():
                return
            self._finish(self._results())
        except Exception as exc:
            self.broken = exc
            return
        self.pump()

    def _results(self) -> set[int]:
        updated: set[int] = set()
        while (result := self.pg.get_result()) is not None:
            self._check(result)
            updated.update(int(result.get_value(row, 0)) for row in range(result.ntuples))
        return updated

    def _finish(self, updated: set[int]) -> None:
        for delivery_id in self._flying:
            self._done[delivery_id] = delivery_id in updated
        self._flying = None

    def recorded(self, delivery_id: int) -> bool | None:
        if self.broken:
            raise RecordingBroken("the record connection failed") from self.broken
        return self._done.get(delivery_id)

    def settled(self) -> bool:
        if self.broken:
            raise RecordingBroken("the record connection failed") from self.broken
        return self._flying is None and not self._pending

    # The provider threads' side: blocking, thread-safe.

    def start(self, delivery_id: int) -> None:
        with self._lock:
            self.add(delivery_id)
            self.pump()

    def wait(self, delivery_id: int) -> bool:
        with self._lock:
            while (recorded := self.recorded(delivery_id)) is None:
                if self._reading:
                    self._answered.wait()
                elif self._flying is None:
                    if delivery_id not in self._pending:
                        return True  # never started: nothing to wait for
                    self.pump()
                else:
                    self._read_answer()
            return recorded

    def _read_answer(self) -> None:
        """Under the lock: wait without it for the UPDATE under way, then send the next."""
        self._reading = True
        self._lock.release()
        try:
            # libpq's get_result blocks until the answer is in, holding the GIL in
            # psycopg's binary module; poll() lets the other threads run meanwhile.
            while self.pg.is_busy():
                self._poll.poll()
                self.pg.consume_input()
            updated = self._results()
        except Exception as exc:
            updated, self.broken = None, exc
        finally:
            self._lock.acquire()
            self._reading = False
        if updated is not None:
            self._finish(updated)
            self.pump()
        self._answered.notify_all()

    @property
    def idle(self) -> bool:
        """Nothing pending or under way, no failure: safe to keep for the next batch."""
        return not (self.broken or self._pending or self._flying is not None or self._reading)

    def reset(self) -> None:
        """Forget the last batch's answers (the recorder is kept for the next)."""
        self._done.clear()

    def close(self) -> None:
        self.conn.close()


def recorder_open():
    """The group recorder on PostgreSQL in autocommit (a worker); inside a
    transaction its own connection could not see the rows, so the plain one."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return GroupRecorder()
    return OrmRecorder()
