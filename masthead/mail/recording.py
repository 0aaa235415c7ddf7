"""Recording a bulk delivery *sent*, one committed UPDATE per message.

``start(id)`` records the message just accepted; ``wait()`` returns once that
record is committed (True), or False if the row was no longer queued (another
worker holds the batch now). On PostgreSQL the UPDATE goes out on a connection
of its own without waiting, and the sender calls ``wait()`` just before the
next message's final "." (``transport.smtp_exchange``): the database round trip
overlaps the next SMTP exchange, yet the server never holds two accepted,
unrecorded messages from one connection.
"""

from __future__ import annotations

import select

from django.db import connection
from django.db.models import F
from django.utils import timezone

from .models import BulkDelivery


class OrmRecorder:
    """Any database: the UPDATE runs at once, in the caller's thread."""

    def __init__(self) -> None:
        self._result = True

    def start(self, delivery_id: int) -> None:
        self._result = bool(
            BulkDelivery.objects.filter(pk=delivery_id, status=BulkDelivery.Status.QUEUED).update(
                status=BulkDelivery.Status.SENT,
                sent_at=timezone.now(),
                attempts=F("attempts") + 1,
                last_error="",
            )
        )

    def wait(self) -> bool:
        result, self._result = self._result, True
        return result

    def close(self) -> None:
        pass


class PostgresRecorder:
    """PostgreSQL: a prepared UPDATE sent without waiting (libpq's async API)."""

    def __init__(self) -> None:
        import psycopg
        from psycopg import pq

        # Once here, not per answer: an import statement per message was measurable.
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
                f"WHERE id = $1 AND status = 'queued'".encode(),
            )
        )
        self._pending = False
        self._poll = select.poll()
        self._poll.register(self.pg.socket, select.POLLIN)

    def _check(self, result) -> None:
        if result.status not in self._ok:
            raise RuntimeError(result.error_message.decode(errors="replace"))

    def start(self, delivery_id: int) -> None:
        self.wait()
        self.pg.send_query_prepared(b"mh_sent", [str(delivery_id).encode()])
        self._pending = True

    def wait(self) -> bool:
        if not self._pending:
            return True
        self._pending = False
        # libpq's get_result blocks until the answer is in, and psycopg's binary
        # module holds the GIL while it does: every other sending thread would
        # stop for the database round trip. So wait in poll(), which lets them
        # run, and read only once the answer is complete.
        while self.pg.is_busy():
            self._poll.poll()
            self.pg.consume_input()
        updated = 0
        while (result := self.pg.get_result()) is not None:
            self._check(result)
            updated += result.command_tuples or 0
        return updated == 1

    def close(self) -> None:
        self.conn.close()


def recorder_open():
    """The pipelined recorder on PostgreSQL in autocommit (a worker); inside a
    transaction its own connection could not see the rows, so the plain one."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return PostgresRecorder()
    return OrmRecorder()
