"""Read side of subscriptions: what a reader is entitled to now.

The account page and the access decision ask the same question, so both go
through ``reader_entitlement``.
"""

from __future__ import annotations

from django.utils import timezone

from .models import Entitlement


def reader_entitlement(user) -> Entitlement | None:
    """The reader's current entitlement, else the one that ended last, else None.

    Returning an ended trial (``.active`` False) lets the account page say
    "Your free trial ended on ..." rather than nothing.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    now = timezone.now()
    current = (
        Entitlement.objects.filter(user=user, starts_at__lte=now, ends_at__gt=now)
        .order_by("-ends_at")
        .first()
    )
    if current:
        return current
    return Entitlement.objects.filter(user=user, ends_at__lte=now).order_by("-ends_at").first()


def reader_is_subscriber(user) -> bool:
    entitlement = reader_entitlement(user)
    return bool(entitlement and entitlement.active)
