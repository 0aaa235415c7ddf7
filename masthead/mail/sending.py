"""Sending one batch of a bulk send (see bulk.py for the fan-out).

A batch is claimed under a lease and sent over ``MAIL_BULK_CONNECTIONS``
reused connections, one thread each. On every connection a message is
recorded *sent* (its own committed UPDATE) as soon as the server accepts it
and before the next one starts: a worker killed at any moment leaves at most
one message per open connection accepted but not recorded, and only those can
be sent again. Transient failures (4xx, connection trouble) wait and retry with
the same backoff as one-off emails; permanent ones (5xx) are recorded failed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from .bulk import _enqueue, bulk_send_finish, lease
from .models import BulkBatch, BulkDelivery, BulkSend
from .rendering import PreparedEmail, email_prepare, email_render
from .senders import sender_checkin, sender_checkout, sender_discard, senders_close
from .services import (
    MAX_ATTEMPTS,
    _is_transient,
    _message_id,
    _site_context,
    message_id_domain,
    retry_delay,
)
from .suppression import suppressed_among
from .transport import BulkMime, LeaseLost, RateLimiter, from_header

logger = logging.getLogger(__name__)

QUEUED, SENT = BulkDelivery.Status.QUEUED, BulkDelivery.Status.SENT
_limiters: dict[float, RateLimiter] = {}


def rate_limiter() -> RateLimiter:
    """The process's limiter for ``MAIL_RATE`` messages a second (0: none)."""
    rate = float(getattr(settings, "MAIL_RATE", 0) or 0)
    return _limiters.setdefault(rate, RateLimiter(rate))


def is_transient(exc: BaseException) -> bool:
    """Worth another try: 4xx and connection trouble, a provider's 429 or 5xx."""
    from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused

    if isinstance(exc, AnymailRecipientsRefused):
        return False
    if isinstance(exc, AnymailAPIError):
        status = getattr(exc, "status_code", None)
        return status is None or status == 429 or status >= 500
    return _is_transient(exc)


def list_unsubscribe_headers(context: dict) -> dict[str, str]:
    """RFC 2369 + RFC 8058 headers for the recipient's ``unsubscribe_url``."""
    url = str(context.get("unsubscribe_url") or "")
    if not url.startswith(("https://", "http://")) or any(c in url for c in " <>\r\n\t,"):
        return {}
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


class _BatchJob:
    """What the sending threads of one batch share: the rendered message, the
    claim and its renewal, the rate limiter."""

    def __init__(self, batch: BulkBatch, send: BulkSend, token: str, rows: list) -> None:
        self.batch, self.send, self.token = batch, send, token
        keys = sorted({key for row in rows for key in row[3]})
        self.prepared, self.mime = _prepared(send, keys)
        # Substitution is exact for this template, or every recipient is rendered in full.
        self.fast = not rows or self.prepared.matches(rows[0][3])
        self.sender = from_header(send.from_name or self.prepared.site_name)
        self.domain = message_id_domain()
        self.limiter = rate_limiter()
        self.lost = False
        self._renewed = time.monotonic()
        self._renew_every = max(lease().total_seconds() / 4, 0.2)
        self._lock = threading.Lock()

    def renew_if_due(self) -> None:
        if time.monotonic() - self._renewed < self._renew_every:
            return  # the common case, decided without the lock
        with self._lock:
            if time.monotonic() - self._renewed < self._renew_every:
                return
            self._renewed = time.monotonic()
            held = BulkBatch.objects.filter(pk=self.batch.pk, claim=self.token).update(
                lease_until=timezone.now() + lease()
            )
            if not held:
                self.lost = True

    def run(self, rows: list) -> None:
        transport, recorder = sender_checkout()
        try:
            self._send(rows, transport, recorder)
            if not recorder.wait():
                self.lost = True
        except BaseException:
            with contextlib.suppress(Exception):
                recorder.wait()
            sender_discard(transport, recorder)
            raise
        sender_checkin(transport, recorder)

    def _send(self, rows: list, transport, recorder) -> None:
        for index, (delivery_id, ref, to, context, attempts) in enumerate(rows):
            self.renew_if_due()
            if self.lost:
                return
            self.limiter.wait()
            message_id = _message_id(f"bulk:{self.send.key}:{ref}", self.domain)
            headers = list_unsubscribe_headers(context)
            rendered = data = None
            try:
                if self.fast and transport.takes_mime and self.mime.takes(context):
                    data = self.mime.data(
                        personal=context, sender=self.sender, to=to, message_id=message_id,
                        headers=headers,
                    )  # fmt: skip
                elif self.fast:
                    rendered = self.prepared.personalise(context)
                else:
                    rendered = email_render(
                        template=self.send.template, context=self.send.context, personal=context
                    )
            except Exception as exc:
                _record_failure([delivery_id], attempts, exc, transient=False)
                continue
            try:
                transport.send(
                    rendered=rendered,
                    data=data,
                    sender=self.sender,
                    to=to,
                    message_id=message_id,
                    headers=headers,
                    # The previous message's record must be in before this one is accepted.
                    ready=recorder.wait,
                )
            except LeaseLost:
                self.lost = True
                return
            except Exception as exc:
                transient = is_transient(exc)
                if transient and _is_connect_failure(exc):
                    # The server is unreachable: the rest of this chunk waits too.
                    _record_failure([r[0] for r in rows[index:]], attempts, exc, transient=True)
                    return
                _record_failure([delivery_id], attempts, exc, transient=transient)
                continue
            recorder.start(delivery_id)


# The prepared email of the sends this process is working on: rendering the
# template and inlining its CSS took longer than sending a batch's first
# hundred messages, and every batch of a send prepared the same email again.
_PREPARED_KEPT = 4
_prepared_kept: dict[tuple, tuple[PreparedEmail, BulkMime]] = {}
_prepared_lock = threading.Lock()


def _prepared(send: BulkSend, keys: list[str]) -> tuple[PreparedEmail, BulkMime]:
    """The send's email rendered once with stand-ins, and its MIME text, kept for
    the send's next batches in this process while the site's values (its name,
    its URL) are the same; a send's template and context never change."""
    # The template and context too: a test database may give a new send an old one's id.
    context = json.dumps(send.context, sort_keys=True, default=str)
    key = (send.pk, send.key, send.template, context, tuple(keys), tuple(_site_context().items()))
    with _prepared_lock:
        found = _prepared_kept.get(key)
    if found is None:
        prepared = email_prepare(template=send.template, context=send.context, personal_keys=keys)
        found = (prepared, BulkMime(prepared))
        with _prepared_lock:
            if len(_prepared_kept) >= _PREPARED_KEPT:
                _prepared_kept.clear()
            _prepared_kept[key] = found
    return found


def _is_connect_failure(exc: BaseException) -> bool:
    return isinstance(exc, ConnectionRefusedError | TimeoutError | ConnectionResetError)


def _record_failure(ids: list[int], attempts: int, exc: BaseException, *, transient: bool) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    rows = BulkDelivery.objects.filter(pk__in=ids, status=QUEUED)
    if transient and attempts + 1 < MAX_ATTEMPTS:
        due = timezone.now() + retry_delay(attempts + 1)
        rows.update(attempts=F("attempts") + 1, next_attempt_at=due, last_error=error)
    else:
        rows.update(status=BulkDelivery.Status.FAILED, attempts=F("attempts") + 1, last_error=error)


def _claim(batch_id: int, token: str) -> bool:
    now = timezone.now()
    return bool(
        BulkBatch.objects.filter(pk=batch_id)
        .filter(
            Q(status=BulkBatch.Status.PENDING, due_at__lte=now + timedelta(seconds=1))
            | Q(status=BulkBatch.Status.RUNNING, lease_until__lt=now)
        )
        .update(status=BulkBatch.Status.RUNNING, claim=token, lease_until=now + lease())
    )


def _connection_count(rows: int) -> int:
    if connection.vendor == "sqlite" or connection.in_atomic_block:
        # SQLite: one writer at a time anyway. Inside a transaction (a caller's,
        # a test's): other connections could not see its uncommitted rows.
        return 1
    return max(1, min(int(getattr(settings, "MAIL_BULK_CONNECTIONS", 2)), rows))


def _in_thread(job: _BatchJob, rows: list) -> None:
    try:
        job.run(rows)
    except Exception:
        logger.exception("A sending thread of batch %s failed", job.batch.pk)
    finally:
        connection.close()


def bulk_batch_send(*, batch_id: int) -> str:
    """Send the due deliveries of one batch, then settle it: done, or pending
    until its earliest retry. Returns the outcome, for the task's result. The
    connections stay open for the next batch while one is due (``senders``)."""
    try:
        return _batch_send(batch_id)
    finally:
        due = BulkBatch.objects.filter(
            status=BulkBatch.Status.PENDING, due_at__lte=timezone.now()
        ).exists()
        if not due:
            senders_close()


def _batch_send(batch_id: int) -> str:
    token = secrets.token_hex(16)
    if not _claim(batch_id, token):
        return "skipped"
    batch = BulkBatch.objects.select_related("send").get(pk=batch_id)
    send = batch.send
    in_batch = BulkDelivery.objects.filter(
        send_id=send.pk, ref__gt=batch.after_ref, ref__lte=batch.last_ref, status=QUEUED
    )
    due = in_batch.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()))
    rows = list(due.order_by("ref").values_list("id", "ref", "to", "context", "attempts"))
    suppressed = suppressed_among([row[2] for row in rows])
    if suppressed:  # suppressed since the fan-out (a bounce, a complaint)
        hit = [row[0] for row in rows if row[2].lower() in suppressed]
        in_batch.filter(pk__in=hit).update(status=BulkDelivery.Status.SUPPRESSED)
        rows = [row for row in rows if row[2].lower() not in suppressed]
    try:
        job = _BatchJob(batch, send, token, rows)
    except Exception as exc:  # a template that no longer renders never heals by itself
        logger.exception("Batch %s of send %s does not render", batch_id, send.pk)
        _record_failure([row[0] for row in rows], MAX_ATTEMPTS, exc, transient=False)
        rows = []
        job = None
    count = _connection_count(len(rows))
    if job and count == 1:
        job.run(rows)
    elif job:
        threads = [
            threading.Thread(target=_in_thread, args=(job, rows[i::count]), daemon=True)
            for i in range(count)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if job and job.lost:
        return "lost-lease"
    return _settle(batch_id, token, in_batch, send.pk)


def _settle(batch_id: int, token: str, in_batch, send_id: int) -> str:
    from .tasks import bulk_batch_task

    with transaction.atomic():
        next_due = in_batch.aggregate(due=Min("next_attempt_at"))["due"]
        mine = BulkBatch.objects.filter(pk=batch_id, claim=token)
        if next_due is not None or in_batch.exists():
            # Rows left without a retry time: a sending thread broke (say, the
            # database went away); try again in a while, not in a tight loop.
            next_due = next_due or timezone.now() + retry_delay(1)
            mine.update(
                status=BulkBatch.Status.PENDING, claim="", lease_until=None, due_at=next_due
            )
            _enqueue(bulk_batch_task, batch_id, run_after=next_due)
            return "retry"
        mine.update(status=BulkBatch.Status.DONE, lease_until=None)
    bulk_send_finish(send_id=send_id)
    return "done"
