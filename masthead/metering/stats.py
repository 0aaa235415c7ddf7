"""Figures the newsroom dashboard asks for (analytics sits above metering)."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Count
from django.db.models.functions import TruncDate

from .models import Consent, Entitlement


def wall_signups_per_day(*, since: datetime) -> dict[date, int]:
    """Registration-wall sign-ups (consents given at the wall) per day."""
    rows = (
        Consent.objects.filter(source=Consent.WALL, agreed_at__gte=since)
        .annotate(day=TruncDate("agreed_at"))
        .values("day")
        .annotate(n=Count("pk"))
    )
    return {row["day"]: row["n"] for row in rows}


def trials_per_day(*, since: datetime) -> dict[date, int]:
    """Free trials started per day."""
    rows = (
        Entitlement.objects.filter(kind=Entitlement.TRIAL, starts_at__gte=since)
        .annotate(day=TruncDate("starts_at"))
        .values("day")
        .annotate(n=Count("pk"))
    )
    return {row["day"]: row["n"] for row in rows}
