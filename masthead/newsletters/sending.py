"""Sending editions through the bulk sending engine, and tests to an editor.

An edition's send is keyed by the edition (``newsletters:edition:<id>``), so
starting it twice sends nothing twice; the engine writes one delivery per
(send, subscription) and its guarantee holds from there (see mail/CONTEXT.md).
The edition's status follows its send: *sending*, then *sent*, *partial*
("finished with failures") or *failed* — never "sent" when something failed.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from masthead.mail.bulk import bulk_send_progress, bulk_send_start

from .editions import edition_context
from .models import Edition, NewsletterSubscription

_FINAL = {"sent": Edition.SENT, "partial": Edition.PARTIAL, "failed": Edition.FAILED}


class SendError(Exception):
    """The edition cannot be sent in its current state (the message says why)."""


def edition_send_start(*, edition: Edition) -> Edition:
    """Start sending now: a draft or scheduled edition becomes *sending* and its
    bulk send is recorded (and its fan-out enqueued) in the same transaction."""
    with transaction.atomic():
        locked = Edition.objects.select_for_update().select_related("newsletter").get(pk=edition.pk)
        if locked.status not in (Edition.DRAFT, Edition.SCHEDULED):
            raise SendError(f"This edition is {locked.get_status_display().lower()}.")
        if not locked.items.exists():
            raise SendError("This edition has no stories.")
        send = bulk_send_start(
            key=f"newsletters:edition:{locked.pk}",
            template="newsletters/edition",
            context={**edition_context(locked), "is_test": False},
            source="newsletter",
            source_args={"newsletter_id": locked.newsletter_id},
            from_name=locked.newsletter.sender_name,
        )
        locked.status = Edition.SENDING
        locked.send_at = locked.send_at or timezone.now()
        locked.send_ref = str(send.pk)
        locked.save(update_fields=["status", "send_at", "send_ref"])
    return locked


def edition_schedule(*, edition: Edition, send_at) -> Edition:
    if edition.status not in (Edition.DRAFT, Edition.SCHEDULED):
        raise SendError(f"This edition is {edition.get_status_display().lower()}.")
    edition.status = Edition.SCHEDULED
    edition.send_at = send_at
    edition.save(update_fields=["status", "send_at"])
    return edition


def edition_test_send(*, edition: Edition, to: str) -> None:
    """A copy to an editor, marked "[Test]"; a send of its own, never the edition's."""
    bulk_send_start(
        key=f"newsletters:test:{edition.pk}:{uuid.uuid4().hex}",
        template="newsletters/edition",
        context={**edition_context(edition), "is_test": True},
        source="newsletter_test",
        source_args={"address": to},
        from_name=edition.newsletter.sender_name,
    )


def edition_progress(edition: Edition) -> dict:
    """The progress bar's figures, and the edition's status brought up to date
    with its send's outcome."""
    if not edition.send_ref:
        total = NewsletterSubscription.objects.filter(
            newsletter_id=edition.newsletter_id, status=NewsletterSubscription.ACTIVE
        ).count()
        progress = {"total": total, "queued": 0, "sent": 0, "failed": 0, "suppressed": 0}
        progress.update(status=edition.status, error="", fanned_out=False)
    else:
        progress = bulk_send_progress(send_id=int(edition.send_ref))
        final = _FINAL.get(progress["status"])
        if final and edition.status == Edition.SENDING:
            Edition.objects.filter(pk=edition.pk, status=Edition.SENDING).update(
                status=final, sent_at=timezone.now()
            )
            edition.status = final
    done = progress["sent"] + progress["failed"] + progress["suppressed"]
    progress["percent"] = round(100 * done / progress["total"]) if progress["total"] else 0
    progress["edition_status"] = edition.status
    progress["status_label"] = edition.get_status_display()
    progress["done"] = edition.status in _FINAL.values()
    return progress


def editions_send_due(*, now=None) -> list[int]:
    """Start the scheduled editions whose time has come, and bring the status
    of editions being sent up to date (the scheduler, every minute)."""
    now = now or timezone.now()
    for edition in Edition.objects.filter(status=Edition.SENDING).exclude(send_ref=""):
        edition_progress(edition)
    started = []
    for edition in Edition.objects.filter(status=Edition.SCHEDULED, send_at__lte=now):
        try:
            edition_send_start(edition=edition)
        except SendError:
            continue
        started.append(edition.pk)
    return started
