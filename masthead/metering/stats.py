"""Figures the newsroom dashboard asks for (analytics sits above metering)."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from .models import Consent, Entitlement


def wall_signups_per_day(*, since: datetime) -> dict[date, int]:
    """Registration-wall sign-ups (consents given at the wall) per day."""
    return _per_day(Consent.objects.filter(source=Consent.WALL), "agreed_at", since)


def trials_per_day(*, since: datetime) -> dict[date, int]:
    """Free trials started per day."""
    return _per_day(Entitlement.objects.filter(kind=Entitlement.TRIAL), "starts_at", since)


def _per_day(rows: QuerySet, moment: str, since: datetime) -> dict[date, int]:
    """How many of ``rows`` fall on each day by their ``moment`` field, from ``since``."""
    counted = (
        rows.filter(**{f"{moment}__gte": since})
        .annotate(day=TruncDate(moment))
        .values("day")
        .annotate(n=Count("pk"))
    )
    return {row["day"]: row["n"] for row in counted}
