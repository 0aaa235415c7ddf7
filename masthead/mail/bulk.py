"""Bulk sends: one message to many recipients, fanned out in batches.

``bulk_send_start`` records the send and enqueues its fan-out in the caller's
transaction. The fan-out (``bulk_fanout``) pages through the recipient source,
and for each page writes one ``BulkDelivery`` per recipient (unique per send and
ref), one ``BulkBatch`` and that batch's task, together with the send's cursor,
in one transaction: a page is written whole or not at all, and a fan-out that
dies resumes after the last page written. 100,000 recipients make 50 batch
tasks, not 100,000. Sending a batch is ``sending.bulk_batch_send``.

Work is held under leases (the send's for the fan-out, a batch's for its
sending) that the holder renews; ``bulk_sweep``, run by the scheduler, hands
work whose lease lapsed (a killed worker) to a new task. See CONTEXT.md and the
README's "What sent means" for the guarantee.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from masthead.core.db import insert_or_ignore

from .models import BulkBatch, BulkDelivery, BulkSend
from .recipients import recipient_source_get, recipients_page
from .rendering import email_prepare
from .services import EmailError, clean_address
from .suppression import suppressed_among

logger = logging.getLogger(__name__)

FINAL = (BulkSend.Status.SENT, BulkSend.Status.PARTIAL, BulkSend.Status.FAILED)
# Work still pending this long after it was due has probably lost its task.
SWEEP_GRACE = timedelta(minutes=30)


def batch_size() -> int:
    return int(settings.MAIL_BULK_BATCH_SIZE)


def lease() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "MAIL_BULK_LEASE_SECONDS", 60)))


def _enqueue(task, *args, run_after=None) -> None:
    """In the current transaction with the database backend, on commit otherwise."""
    from django_tasks_db import DatabaseBackend

    backend = task.get_backend()
    if run_after is not None and backend.supports_defer:
        task = task.using(run_after=run_after)
    if isinstance(backend, DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))


def bulk_send_start(
    *,
    key: str,
    template: str,
    context: dict,
    source: str,
    source_args: dict,
    from_name: str = "",
) -> BulkSend:
    """Record a bulk send and enqueue its fan-out; call it in the transaction of
    the change that causes it. The same ``key`` again returns the first send and
    sends nothing more. The template is rendered once here with ``context``, so
    a broken template fails now (EmailError) instead of in the worker."""
    if not key or len(key) > 200:
        raise EmailError("A send key is required and holds at most 200 characters.")
    recipient_source_get(source)
    try:
        context = json.loads(json.dumps(context))
        source_args = json.loads(json.dumps(source_args))
    except (TypeError, ValueError) as exc:
        raise EmailError(f"The send's context and source args must be JSON: {exc}") from None
    try:
        email_prepare(template=template, context=context, personal_keys=["unsubscribe_url"])
    except EmailError:
        raise
    except Exception as exc:
        raise EmailError(f"The email template {template!r} does not render: {exc}") from exc
    send = BulkSend(
        key=key,
        template=template,
        context=context,
        source=source,
        source_args=source_args,
        from_name=from_name[:200],
    )
    from .tasks import bulk_fanout_task

    with transaction.atomic(savepoint=False):
        if not insert_or_ignore(send):
            return BulkSend.objects.get(key=key)
        _enqueue(bulk_fanout_task, send.pk)
    return send


def bulk_send_progress(*, send_id: int) -> dict:
    """Counts by state for a progress bar: total, queued, sent, failed,
    suppressed; ``status`` is the send's (sent only when nothing failed), and
    ``error`` says why a send failed as a whole."""
    send = BulkSend.objects.get(pk=send_id)
    counts = dict(
        BulkDelivery.objects.filter(send_id=send_id)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    progress = {status: counts.get(status, 0) for status in BulkDelivery.Status.values}
    progress["total"] = sum(counts.values())
    progress["status"] = send.status
    progress["fanned_out"] = send.fanned_out
    progress["error"] = send.error
    return progress


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
        self.lost = False
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
        return not self.lost

    def finish(self) -> bool:
        """Wait until every page handed over is written; False if the lease was lost."""
        self._stop()
        self._raise()
        return not self.lost

    def close(self) -> None:
        if self.threads:
            self._stopped(lost=True)  # the caller gave up: write nothing more
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

    def _stopped(self, *, lost: bool = False, error: BaseException | None = None) -> None:
        with self.turn:
            self.lost = self.lost or lost
            self.error = self.error or error
            self.turn.notify_all()

    def _run(self, pages: queue.Queue) -> None:
        try:
            while (item := pages.get()) is not None:
                if not self.lost and self.error is None:
                    self._write(*item)
        except BaseException as exc:
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
            self._stopped(lost=True)

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
                self.turn.wait_for(
                    lambda: self.committed == number or self.lost or self.error is not None
                )
            if self.lost or self.error is not None:
                transaction.set_rollback(True)
                return
            # Compare-and-set on the cursor: of two workers holding a lapsed lease,
            # only one writes a page; the other's update matches nothing.
            advanced = BulkSend.objects.filter(pk=self.send_id, cursor=cursor).update(
                cursor=last_ref, lease_until=timezone.now() + lease()
            )
            if not advanced:
                transaction.set_rollback(True)
                self._stopped(lost=True)
                return
        with self.turn:
            self.committed = number + 1
            self.turn.notify_all()


def _send_fail(send_id: int, error: str) -> None:
    BulkSend.objects.filter(pk=send_id).exclude(status__in=FINAL).update(
        status=BulkSend.Status.FAILED,
        error=error[:2000],
        lease_until=None,
        finished_at=timezone.now(),
    )


def bulk_send_finish(*, send_id: int) -> str:
    """Settle the send's outcome once it is fanned out and every batch is done:
    *sent* if nothing failed, *partial* if some failed, *failed* if none was sent."""
    with transaction.atomic():
        send = BulkSend.objects.select_for_update().filter(pk=send_id).first()
        if send is None or send.status in FINAL:
            return "settled"
        if not send.fanned_out or send.batches.exclude(status=BulkBatch.Status.DONE).exists():
            return "unfinished"
        counts = send.deliveries.aggregate(
            failed=Count("id", filter=Q(status=BulkDelivery.Status.FAILED)),
            sent=Count("id", filter=Q(status=BulkDelivery.Status.SENT)),
        )
        if not counts["failed"]:
            send.status = BulkSend.Status.SENT
        elif counts["sent"]:
            send.status = BulkSend.Status.PARTIAL
        else:
            send.status = BulkSend.Status.FAILED
            send.error = send.error or "No recipient could be sent to."
        send.finished_at = timezone.now()
        send.save(update_fields=["status", "error", "finished_at"])
    return send.status


def bulk_sweep() -> int:
    """Hand lapsed work to new tasks: a fan-out or batch whose lease ran out (its
    worker died), pending work long overdue (a lost task), a finished send not
    yet settled. Duplicate tasks are harmless. Returns how many were handed on."""
    from .tasks import bulk_batch_task, bulk_fanout_task

    now = timezone.now()
    handed = 0
    open_sends = BulkSend.objects.exclude(status__in=FINAL)
    lapsed_fanouts = open_sends.filter(fanned_out=False).filter(
        Q(lease_until__lt=now) | Q(lease_until__isnull=True, created_at__lt=now - SWEEP_GRACE)
    )
    for send_id in lapsed_fanouts.values_list("pk", flat=True)[:100]:
        with transaction.atomic():
            _enqueue(bulk_fanout_task, send_id)
        handed += 1
    lapsed_batches = BulkBatch.objects.filter(
        Q(status=BulkBatch.Status.RUNNING, lease_until__lt=now)
        | Q(status=BulkBatch.Status.PENDING, due_at__lt=now - SWEEP_GRACE)
    )
    for batch_id in lapsed_batches.values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            # Moving the due time makes the next sweep wait a full grace period again.
            BulkBatch.objects.filter(pk=batch_id, status=BulkBatch.Status.PENDING).update(
                due_at=now
            )
            _enqueue(bulk_batch_task, batch_id)
        handed += 1
    unsettled = open_sends.filter(fanned_out=True).exclude(
        batches__status__in=[BulkBatch.Status.PENDING, BulkBatch.Status.RUNNING]
    )
    for send_id in unsettled.values_list("pk", flat=True)[:100]:
        bulk_send_finish(send_id=send_id)
    return handed
