"""Sending one batch of a bulk send (see bulk.py for the fan-out).

A batch is claimed under a lease and sent over ``MAIL_BULK_CONNECTIONS``
reused connections: raw SMTP all driven from the task's thread
(``multiplex``), any other transport (a provider's API) with a thread per
connection. On every connection a message is recorded *sent* (committed, in a
group with the other connections' records) once the server accepts it and
before the next one may be accepted: a worker killed at any moment leaves at
most one message per open connection accepted but not recorded, and only
those can be sent again. Transient failures (4xx, connection trouble) wait and
retry with the same backoff as one-off emails; permanent ones (5xx) are
recorded failed.
"""

from __future__ import annotations

import itertools
import json
import logging
import secrets
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from .bulk import _enqueue, bulk_send_finish, lease
from .models import BulkBatch, BulkDelivery, BulkSend
from .multiplex import Multiplexer
from .recording import RecordingBroken
from .rendering import PreparedEmail, email_prepare, email_render
from .senders import (
    recorder_checkin,
    recorder_checkout,
    sender_checkin,
    sender_checkout,
    sender_discard,
    senders_close,
)
from .services import (
    MAX_ATTEMPTS,
    _is_transient,
    _message_id,
    _site_context,
    message_id_domain,
    retry_delay,
)
from .suppression import suppressed_among
from .transport import (
    BulkMime,
    LeaseLost,
    RateLimiter,
    SMTPTransport,
    envelope_sender,
    from_header,
    mime_bytes,
)

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
    claim and its renewal, the rate limiter, the record connection."""

    def __init__(self, batch: BulkBatch, send: BulkSend, token: str, rows: list) -> None:
        self.batch, self.send, self.token = batch, send, token
        self.recorder = None  # the batch's record connection, set when it sends
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

    def content(self, row: tuple, *, as_mime: bool) -> tuple:
        """A recipient's message: (rendered, None), or (None, its MIME bytes) when
        ``as_mime`` (raw SMTP). Raises whatever rendering raises."""
        delivery_id, ref, to, context, attempts = row
        message_id = _message_id(f"bulk:{self.send.key}:{ref}", self.domain)
        headers = list_unsubscribe_headers(context)
        if self.fast and as_mime and self.mime.takes(context):
            data = self.mime.data(
                personal=context, sender=self.sender, to=to, message_id=message_id, headers=headers
            )
            return None, data, message_id, headers
        if self.fast:
            rendered = self.prepared.personalise(context)
        else:
            rendered = email_render(
                template=self.send.template, context=self.send.context, personal=context
            )
        if as_mime:
            data = mime_bytes(
                rendered=rendered, sender=self.sender, to=to, message_id=message_id,
                headers=headers,
            )  # fmt: skip
            return None, data, message_id, headers
        return rendered, None, message_id, headers

    def multiplex(self, rows: list, transports: list) -> None:
        """Raw SMTP: every connection driven from this thread (``multiplex``)."""
        attempts = {row[0]: row[4] for row in rows}

        def messages():
            for row in rows:
                try:
                    _, data, _, _ = self.content(row, as_mime=True)
                except Exception as exc:
                    _record_failure([row[0]], row[4], exc, transient=False)
                    continue
                yield row[0], row[2], data

        def failed(delivery_id: int, exc: BaseException) -> None:
            transient = is_transient(exc)
            _record_failure([delivery_id], attempts[delivery_id], exc, transient=transient)

        def check() -> None:
            self.renew_if_due()
            if self.lost:
                raise LeaseLost()

        sender = Multiplexer(
            transports, self.recorder, envelope=envelope_sender(), failed=failed, check=check,
            pace=self.limiter.take,
        )  # fmt: skip
        try:
            untried = sender.run(messages())
        except LeaseLost:
            self.lost = True
            return
        if untried:
            # No connection could be opened: the server is unreachable, the rest waits.
            error = sender.error or ConnectionError("no SMTP connection could be opened")
            for count, group in itertools.groupby(untried, key=lambda m: attempts[m[0]]):
                _record_failure([m[0] for m in group], count, error, transient=True)

    def run(self, rows: list, transport) -> None:
        """Any other transport (a provider's API): one thread per connection."""
        last = None

        def previous_recorded() -> bool:
            return last is None or self.recorder.wait(last)

        for row in rows:
            delivery_id, attempts = row[0], row[4]
            self.renew_if_due()
            if self.lost:
                break
            self.limiter.wait()
            try:
                rendered, data, message_id, headers = self.content(row, as_mime=False)
            except Exception as exc:
                _record_failure([delivery_id], attempts, exc, transient=False)
                continue
            try:
                transport.send(
                    rendered=rendered,
                    data=data,
                    sender=self.sender,
                    to=row[2],
                    message_id=message_id,
                    headers=headers,
                    # The previous message's record must be in before this one is accepted.
                    ready=previous_recorded,
                )
            except LeaseLost:
                self.lost = True
                return
            except RecordingBroken:
                raise  # no record's fate is known: stop this connection
            except Exception as exc:
                _record_failure([delivery_id], attempts, exc, transient=is_transient(exc))
                continue
            self.recorder.start(delivery_id)
            last = delivery_id
        if last is not None and not self.recorder.wait(last):
            self.lost = True


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
    return max(1, min(settings.MAIL_BULK_CONNECTIONS, rows))


def _in_thread(job: _BatchJob, rows: list, transport) -> None:
    try:
        job.run(rows, transport)
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
    if job and rows:
        _send_rows(job, rows)
    if job and job.lost:
        return "lost-lease"
    return _settle(batch_id, token, in_batch, send.pk)


def _send_rows(job: _BatchJob, rows: list) -> None:
    """Send over the batch's connections, sharing one record connection: raw
    SMTP from this thread, any other transport with a thread per connection."""
    job.recorder = recorder_checkout()
    job.recorder.reset()
    transports: list = []
    kept = False
    try:
        for _ in range(_connection_count(len(rows))):
            transports.append(sender_checkout())
        if all(isinstance(transport, SMTPTransport) for transport in transports):
            job.multiplex(rows, transports)
        elif len(transports) == 1:
            job.run(rows, transports[0])
        else:
            threads = [
                threading.Thread(
                    target=_in_thread,
                    args=(job, rows[i :: len(transports)], transport),
                    daemon=True,
                )  # fmt: skip
                for i, transport in enumerate(transports)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        kept = True
    finally:
        recorder_checkin(job.recorder)
        for transport in transports:
            (sender_checkin if kept and not job.lost else sender_discard)(transport)


def _settle(batch_id: int, token: str, in_batch, send_id: int) -> str:
    from .tasks import bulk_batch_task

    with transaction.atomic():
        # One query for both: the earliest retry, and whether any row is left.
        left = in_batch.aggregate(due=Min("next_attempt_at"), rows=Count("id"))
        next_due = left["due"]
        mine = BulkBatch.objects.filter(pk=batch_id, claim=token)
        if left["rows"]:
            # Rows left without a retry time: a sending thread broke (say, the
            # database went away); try again in a while, not in a tight loop.
            next_due = next_due or timezone.now() + retry_delay(1)
            mine.update(
                status=BulkBatch.Status.PENDING, claim="", lease_until=None, due_at=next_due
            )
            _enqueue(bulk_batch_task, batch_id, run_after=next_due)
            return "retry"
        mine.update(status=BulkBatch.Status.DONE, lease_until=None)
    if not BulkBatch.objects.filter(send_id=send_id).exclude(status=BulkBatch.Status.DONE).exists():
        bulk_send_finish(send_id=send_id)  # this may have been the last batch: settle the send
    return "done"
