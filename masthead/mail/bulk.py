"""Bulk sends: one message to many recipients, fanned out in batches.

``bulk_send_start`` records the send and enqueues its fan-out in the caller's
transaction. The fan-out (``bulk_fanout``) pages through the recipient source,
and for each page writes one ``BulkDelivery`` per recipient (unique per send and
ref), one ``BulkBatch`` and that batch's task, together with the send's cursor,
in one transaction: a page is written whole or not at all, and a fan-out that
dies resumes after the last page written. 100,000 recipients make 50 batch
tasks, not 100,000. The fan-out is ``fanout.bulk_fanout``; sending a batch is
``sending.bulk_batch_send``.

Work is held under leases (the send's for the fan-out, a batch's for its
sending) that the holder renews; ``bulk_sweep``, run by the scheduler, hands
work whose lease lapsed (a killed worker) to a new task. See CONTEXT.md and the
README's "What sent means" for the guarantee.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from masthead.core.db import insert_or_ignore

from .models import BulkBatch, BulkDelivery, BulkSend
from .recipients import recipient_source_get
from .rendering import email_prepare
from .services import EmailError

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
