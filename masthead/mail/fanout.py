"""The fan-out of a bulk send: its recipients written page by page as
deliveries, each page with its batch and that batch's task (see bulk.py).

A page is one transaction: its deliveries (unique per send and ref), its batch
and task, and the send's cursor moved over it (compare-and-set), so a page is
written whole or not at all, and a fan-out that dies resumes after the last
page written. On PostgreSQL two threads write pages at once while the next is
read (``_PageWriter``).
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .bulk import FINAL, _enqueue, _send_fail, batch_size, bulk_send_finish, lease
from .models import BulkBatch, BulkDelivery, BulkSend
from .recipients import recipients_page
from .services import EmailError, clean_address
from .suppression import suppressed_among

logger = logging.getLogger(__name__)


def _take_fanout_lease(send_id: int) -> BulkSend | None:
    now = timezone.now()
    with transaction.atomic():
        send = BulkSend.objects.select_for_update().filter(pk=send_id).first()
        if send is None or send.fanned_out or send.status in FINAL:
            return None
        if send.lease_until and send.lease_until > now:
            return None  # another worker is fanning out
        send.lease_until = now + lease()
        send.status = BulkSend.Status.SENDING
        send.save(update_fields=["lease_until", "status"])
    return send


class _Row(NamedTuple):
    """A delivery to insert: a plain tuple, since a model instance per recipient
    (its __init__ and init signals) cost more than the INSERT itself."""

    ref: int
    to: str
    context: str  # JSON text
    status: str
    last_error: str


def _deliveries_for(page) -> list[_Row]:
    suppressed = suppressed_among([recipient.address for recipient in page])
    queued, rows = BulkDelivery.Status.QUEUED, []
    for recipient in page:
        try:
            to = clean_address(recipient.address)
            context = json.dumps(recipient.context)
        except (EmailError, TypeError, ValueError) as exc:
            failed = BulkDelivery.Status.FAILED
            rows.append(_Row(recipient.ref, recipient.address[:254], "{}", failed, str(exc)[:2000]))
            continue
        status = BulkDelivery.Status.SUPPRESSED if to.lower() in suppressed else queued
        rows.append(_Row(recipient.ref, to, context, status, ""))
    return rows


def _insert_deliveries(send_id: int, rows: list[_Row]) -> None:
    """Write a page's deliveries. On PostgreSQL with COPY, whose rows psycopg
    encodes in C: an INSERT of arrays spent most of its time building them."""
    if connection.vendor != "postgresql":
        BulkDelivery.objects.bulk_create(
            BulkDelivery(
                send_id=send_id,
                ref=row.ref,
                to=row.to,
                context=json.loads(row.context),
                status=row.status,
                last_error=row.last_error,
            )
            for row in rows
        )
        return
    table = BulkDelivery._meta.db_table
    columns = '(send_id, ref, "to", context, status, attempts, last_error)'
    with (
        connection.wrap_database_errors,  # psycopg's errors as Django's (IntegrityError)
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {table} {columns} FROM STDIN"  # our table name, nothing from outside
        ) as copy,
    ):
        for row in rows:
            copy.write_row((send_id, row.ref, row.to, row.context, row.status, 0, row.last_error))


def _commit_without_flush() -> None:
    """A page need not wait for the disk: only a crash of the database server
    could lose it, and then its cursor is lost with it and the page is written
    again (the same rows: unique per send and ref)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO off")


def bulk_fanout(*, send_id: int) -> str:
    """Write the send's deliveries and batches page by page (see the module doc)."""
    send = _take_fanout_lease(send_id)
    if send is None:
        return "skipped"
    writer = _PageWriter(send_id)
    try:
        while True:
            try:
                page = recipients_page(
                    source=send.source, args=send.source_args, after=send.cursor,
                    limit=batch_size(),
                )  # fmt: skip
            except Exception as exc:
                logger.exception("Recipient source %s failed for send %s", send.source, send_id)
                if writer.finish():
                    _send_fail(send_id, f"The recipient source failed: {exc}")
                    return "failed"
                return "lost-lease"
            if not page:
                if not writer.finish():
                    return "lost-lease"
                BulkSend.objects.filter(pk=send_id).update(fanned_out=True, lease_until=None)
                bulk_send_finish(send_id=send_id)
                return "fanned-out"
            # This page is read and checked while the writer still writes the last one.
            if not writer.write(send.cursor, page[-1].ref, _deliveries_for(page)):
                return "lost-lease"
            send.cursor = page[-1].ref
    finally:
        writer.close()


class _PageWriter:
    """Writes a send's pages, one transaction each, committed in order. On
    PostgreSQL outside a transaction, in two threads with a connection each,
    taking pages in turn: a page's write is mostly the database's work (its
    indexes, the commit), so two go on at once while the next page is read.
    Each writes its page's rows, batch and task, then waits until the page
    before is committed, then moves the cursor (compare-and-set) and commits.
    Elsewhere (SQLite, a test's transaction) each page is written at once."""

    THREADS = 2

    def __init__(self, send_id: int) -> None:
        self.send_id = send_id
        # The first page that must not commit (its lease was lost), if any: the
        # pages before it are still written, as the cursor's compare-and-set allows.
        self.stop_at: int | None = None
        self.error: BaseException | None = None
        self.handed = 0  # pages handed over
        self.committed = 0  # pages committed, in order
        self.turn = threading.Condition()
        self.threads: list[tuple[threading.Thread, queue.Queue]] = []
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            for _ in range(self.THREADS):
                pages: queue.Queue = queue.Queue(maxsize=1)
                thread = threading.Thread(target=self._run, args=(pages,), daemon=True)
                thread.start()
                self.threads.append((thread, pages))

    def write(self, cursor: int, last_ref: int, rows: list[_Row]) -> bool:
        """Hand over a page; False once a page lost the lease (stop)."""
        number, self.handed = self.handed, self.handed + 1
        if not self.threads:
            self._write(number, cursor, last_ref, rows)
        else:
            self._raise()
            self.threads[number % len(self.threads)][1].put((number, cursor, last_ref, rows))
        return self.stop_at is None

    def finish(self) -> bool:
        """Wait until every page handed over is written; False if the lease was lost."""
        self._stop()
        self._raise()
        return self.stop_at is None

    def close(self) -> None:
        """Stop the threads. Pages handed over before a page that found the lease
        lost still finish (each commits only if the cursor is where it expects);
        if the reader of pages stopped for any other reason (an exception),
        nothing more commits."""
        if self.threads and self.stop_at is None:
            self._stopped(at=0)
        self._stop()

    def _stop(self) -> None:
        for _, pages in self.threads:
            pages.put(None)
        for thread, _ in self.threads:
            thread.join()
        self.threads = []

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def _stopped(self, *, at: int | None = None, error: BaseException | None = None) -> None:
        """Page ``at`` and every page after it must not commit (or, on an error,
        no page at all)."""
        with self.turn:
            if at is not None:
                self.stop_at = at if self.stop_at is None else min(self.stop_at, at)
            self.error = self.error or error
            self.turn.notify_all()

    def _stops(self, number: int) -> bool:
        return self.error is not None or (self.stop_at is not None and self.stop_at <= number)

    def _run(self, pages: queue.Queue) -> None:
        try:
            while (item := pages.get()) is not None:
                if not self._stops(item[0]):
                    self._write(*item)
        except BaseException as exc:
            # Logged here as well as raised by finish(): a caller that gave up
            # first (close()) never raises it.
            logger.exception("A page writer of send %s failed", self.send_id)
            self._stopped(error=exc)
            while pages.get() is not None:  # let the reader finish handing over
                pass
        finally:
            connection.close()

    def _write(self, number: int, cursor: int, last_ref: int, rows: list[_Row]) -> None:
        try:
            self._write_page(number, cursor, last_ref, rows)
        except IntegrityError:
            # Another worker wrote these refs (it holds the lease now): stop, as the
            # compare-and-set would have told us.
            self._stopped(at=number)

    def _write_page(self, number: int, cursor: int, last_ref: int, rows: list[_Row]) -> None:
        from .tasks import bulk_batch_task

        with transaction.atomic():
            _commit_without_flush()
            _insert_deliveries(self.send_id, rows)
            if any(row.status == BulkDelivery.Status.QUEUED for row in rows):
                batch = BulkBatch.objects.create(
                    send_id=self.send_id, after_ref=cursor, last_ref=last_ref
                )
                _enqueue(bulk_batch_task, batch.pk)
            with self.turn:  # the page before must be in first
                self.turn.wait_for(lambda: self.committed == number or self._stops(number))
            if self._stops(number):
                transaction.set_rollback(True)
                return
            # Compare-and-set on the cursor: of two workers holding a lapsed lease,
            # only one writes a page; the other's update matches nothing.
            advanced = BulkSend.objects.filter(pk=self.send_id, cursor=cursor).update(
                cursor=last_ref, lease_until=timezone.now() + lease()
            )
            if not advanced:
                transaction.set_rollback(True)
                self._stopped(at=number)
                return
        with self.turn:
            self.committed = number + 1
            self.turn.notify_all()
