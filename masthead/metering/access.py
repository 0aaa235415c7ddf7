"""The access decision for a story page: whole or walled, and the meter's new state.

Called from ``StoryPage.serve`` on the Django path. Anonymous readers are
decided from the signed cookie alone (no database); signed-in readers from
their entitlement and their server-side reads (``Read``), so their meter
follows them across devices.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .meter import METER_COOKIE, meter_cookie_kwargs, meter_decide, meter_policy
from .models import Entitlement, Read

WALL_PREVIEW_BLOCKS = 3


@dataclass(frozen=True)
class StoryAccess:
    walled: bool
    cookie: str | None = None  # new meter cookie value for an anonymous reader
    reason: str = ""  # "staff", "subscriber", "metered", "preview" (for logs and tests)
    # decided for an anonymous reader from the cookie alone: the same answer for
    # every reader with the same meter, so the page may be shared (page cache)
    anonymous: bool = False

    def apply(self, response: HttpResponse) -> HttpResponse:
        """Set the meter cookie on ``response`` if the meter changed."""
        if self.cookie is not None:
            response.set_cookie(METER_COOKIE, self.cookie, **meter_cookie_kwargs(meter_policy()))
        return response


def story_model():
    """The page model the meter counts: the one ``Read.story`` points at.

    ``metering`` sits below ``content`` in the layer order, so it names the
    story model only through its own foreign key (a lazy label Django
    resolves once the apps are loaded), never through an import.
    """
    return Read._meta.get_field("story").related_model


def registered_policy():
    from masthead.core.models import SiteSettings

    site = SiteSettings.load()
    return site.registered_allowance, site.meter_period_days


def story_access(request: HttpRequest, story) -> StoryAccess:
    """Whether ``request`` may read ``story`` whole; records the read if it counts."""
    if getattr(request, "is_preview", False):
        return StoryAccess(walled=False, reason="preview")
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return _signed_in_access(user, story.pk)
    allowed, cookie = meter_decide(
        request.COOKIES.get(METER_COOKIE), story.pk, policy=meter_policy()
    )
    return StoryAccess(walled=not allowed, cookie=cookie, reason="metered", anonymous=True)


def _signed_in_access(user, story_id: int) -> StoryAccess:
    if user.is_staff:
        return StoryAccess(walled=False, reason="staff")
    now = timezone.now()
    if Entitlement.objects.active(now).filter(user=user).exists():
        return StoryAccess(walled=False, reason="subscriber")
    allowance, period_days = registered_policy()
    allowed = read_record(
        user=user, story_id=story_id, allowance=allowance, period_days=period_days, now=now
    )
    return StoryAccess(walled=not allowed, reason="metered")


def read_record(*, user, story_id: int, allowance: int, period_days: int, now=None) -> bool:
    """Count a signed-in reader's read of a story if the allowance permits.

    Re-reading a story inside the period is free; a story last counted before
    the period starts counts again (its row is re-stamped), which is what makes
    the period rolling.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=period_days)
    existing = Read.objects.filter(user=user, story_id=story_id).first()
    if existing and existing.first_read_at > cutoff:
        return True
    if Read.objects.filter(user=user, first_read_at__gt=cutoff).count() >= allowance:
        return False
    if existing:
        Read.objects.filter(pk=existing.pk).update(first_read_at=now)
        return True
    try:
        with transaction.atomic():
            Read.objects.create(user=user, story_id=story_id, first_read_at=now)
    except IntegrityError:
        pass  # the same reader opened the story twice at once: counted once
    return True


def reads_merge(*, user, cookie_value: str | None) -> int:
    """Carry an anonymous meter's reads over to ``user`` at sign-in; return how many."""
    from .meter import meter_load

    policy = meter_policy()
    meter = meter_load(cookie_value, now=time.time(), policy=policy)
    if not meter.reads:
        return 0
    known = set(story_model().objects.filter(pk__in=list(meter.reads)).values_list("pk", flat=True))
    rows = [
        Read(user=user, story_id=story_id, first_read_at=datetime.fromtimestamp(read_at, tz=UTC))
        for story_id, read_at in meter.reads.items()
        if story_id in known
    ]
    Read.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
