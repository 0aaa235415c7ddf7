"""How far an edition's send has gone: queued, sent, failed, suppressed."""

from __future__ import annotations

from django.db.models import Count

from .models import Edition, NewsletterSubscription


def edition_progress(edition: Edition) -> dict:
    from masthead.mail.models import Delivery

    counts = dict(
        Delivery.objects.filter(key__startswith=f"newsletters:edition:{edition.pk}:")
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    total = sum(counts.values())
    if edition.status in (Edition.DRAFT, Edition.SCHEDULED):
        total = NewsletterSubscription.objects.filter(
            newsletter_id=edition.newsletter_id, status=NewsletterSubscription.ACTIVE
        ).count()
    sent = counts.get("sent", 0)
    failed = counts.get("failed", 0)
    queued = counts.get("queued", 0) + counts.get("sending", 0)
    return {
        "status": edition.status,
        "status_label": edition.get_status_display(),
        "total": total,
        "queued": queued,
        "sent": sent,
        "failed": failed,
        "suppressed": 0,
        "percent": round(100 * (sent + failed) / total) if total else 0,
        "done": edition.status in (Edition.SENT, Edition.FAILED) and queued == 0,
    }
