"""Figures the newsroom dashboard asks for (analytics sits above newsletters)."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Count
from django.db.models.functions import Coalesce, TruncDate

from .models import NewsletterSubscription


def subscribers_per_day(*, since: datetime) -> dict[date, int]:
    """New newsletter subscriptions that are active now, by the day they began."""
    rows = (
        NewsletterSubscription.objects.filter(status=NewsletterSubscription.ACTIVE)
        .annotate(began=Coalesce("confirmed_at", "created_at"))
        .filter(began__gte=since)
        .annotate(day=TruncDate("began"))
        .values("day")
        .annotate(n=Count("pk"))
    )
    return {row["day"]: row["n"] for row in rows}
