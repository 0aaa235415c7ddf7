"""Sending editions: to every confirmed subscriber once, and tests to an editor.

Each recipient gets a delivery keyed by (edition, subscription), so starting
a send twice, or a worker dying half-way and the task running again, sends
nobody a second copy. Every edition email carries its reader's own
unsubscribe link and the RFC 8058 one-click headers.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from masthead.mail.services import email_enqueue

from . import links
from .editions import edition_context
from .models import Edition, NewsletterSubscription

FANOUT_CHUNK = 500


def unsubscribe_headers(url: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


class SendError(Exception):
    """The edition cannot be sent in its current state (the message says why)."""


def edition_send_start(*, edition: Edition) -> Edition:
    """Start sending now: a draft or scheduled edition becomes *sending* and
    its fan-out task is enqueued in the same transaction."""
    from .tasks import edition_fanout

    with transaction.atomic():
        locked = Edition.objects.select_for_update().get(pk=edition.pk)
        if locked.status not in (Edition.DRAFT, Edition.SCHEDULED):
            raise SendError(f"This edition is {locked.get_status_display().lower()}.")
        if not locked.items.exists():
            raise SendError("This edition has no stories.")
        locked.status = Edition.SENDING
        locked.send_at = locked.send_at or timezone.now()
        locked.save(update_fields=["status", "send_at"])
        edition_fanout.enqueue(locked.pk)
    return locked


def edition_schedule(*, edition: Edition, send_at) -> Edition:
    if edition.status not in (Edition.DRAFT, Edition.SCHEDULED):
        raise SendError(f"This edition is {edition.get_status_display().lower()}.")
    edition.status = Edition.SCHEDULED
    edition.send_at = send_at
    edition.save(update_fields=["status", "send_at"])
    return edition


def edition_fanout_run(*, edition_id: int) -> int:
    """One delivery per active subscriber, in chunks; idempotent (keys). Returns
    how many deliveries this run wrote or found."""
    edition = Edition.objects.select_related("newsletter").filter(pk=edition_id).first()
    if edition is None or edition.status != Edition.SENDING:
        return 0
    base = edition_context(edition)
    subscribers = NewsletterSubscription.objects.filter(
        newsletter_id=edition.newsletter_id, status=NewsletterSubscription.ACTIVE
    ).order_by("pk")
    count = 0
    last = 0
    while True:
        chunk = list(subscribers.filter(pk__gt=last).only("pk", "email")[:FANOUT_CHUNK])
        if not chunk:
            break
        with transaction.atomic():
            for sub in chunk:
                url = links.unsubscribe_url(sub)
                email_enqueue(
                    key=f"newsletters:edition:{edition.pk}:{sub.pk}",
                    to=sub.email,
                    template="newsletters/edition",
                    context={**base, "unsubscribe_url": url},
                    headers=unsubscribe_headers(url),
                )
        count += len(chunk)
        last = chunk[-1].pk
    Edition.objects.filter(pk=edition.pk, status=Edition.SENDING).update(
        status=Edition.SENT, sent_at=timezone.now()
    )
    return count


def edition_test_send(*, edition: Edition, to: str) -> None:
    """A copy to an editor, marked as a test; its unsubscribe link goes nowhere real."""
    context = {**edition_context(edition), "unsubscribe_url": "", "is_test": True}
    email_enqueue(
        key=f"newsletters:test:{edition.pk}:{uuid.uuid4().hex}",
        to=to,
        template="newsletters/edition",
        context=context,
    )


def editions_send_due(*, now=None) -> list[int]:
    """Start the scheduled editions whose time has come (the scheduler, every minute)."""
    now = now or timezone.now()
    started = []
    due = Edition.objects.filter(status=Edition.SCHEDULED, send_at__lte=now)
    for edition in due:
        try:
            edition_send_start(edition=edition)
        except SendError:
            continue
        started.append(edition.pk)
    return started
