"""Reading figures for pages and the dashboard: Most Read, popularity, history.

The window: Most Read counts whole clock hours (UTC), the current one and the
``MOST_READ_WINDOW_HOURS - 1`` before it, so with the default of 24 a view
counts for between 23 and 24 hours. Hourly buckets keep the counting cheap
(one sorted set or one row per item and hour) at the price of that hour of
blur at the far edge of the window.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from .catalogue import Item, catalogue
from .models import STORY, VIDEO, ReaderView, ViewCount

MOST_READ_LENGTH = 5
FRESH_WITHIN_SECONDS = 60  # what a reader sees of Most Read is at most this old


def window_hours() -> int:
    return int(getattr(settings, "MOST_READ_WINDOW_HOURS", 24))


def window_start(now: datetime, hours: int) -> datetime:
    """The first hour bucket of a window of ``hours`` clock hours ending now."""
    current = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return current - timedelta(hours=hours - 1)


def top_ids(
    kind: str, *, hours: int, section_id: int | None = None, limit: int = 10,
    now: datetime | None = None,
) -> list[tuple[int, int]]:  # fmt: skip
    """``[(id, views)]`` most viewed first over a window of ``hours`` clock hours."""
    now = now or timezone.now()
    if settings.REDIS_URL and hours <= window_hours():  # Redis keeps the window, the DB all
        found = _top_ids_redis(kind, hours=hours, section_id=section_id, limit=limit, now=now)
        if found:
            return found
    rows = ViewCount.objects.filter(kind=kind, hour__gte=window_start(now, hours))
    if section_id is not None:
        rows = rows.filter(section_id=section_id)
    ranked = (
        rows.values("object_id")
        .annotate(total=Sum("views"))
        .order_by("-total", "-object_id")[:limit]
    )
    return [(row["object_id"], row["total"]) for row in ranked]


def _top_ids_redis(kind, *, hours, section_id, limit, now) -> list[tuple[int, int]]:
    from .store_redis import client, prefix

    p = prefix()
    first = int(window_start(now, hours).timestamp())
    if section_id is None:
        keys = [f"{p}:h:{kind}:{first + 3600 * i}" for i in range(hours)]
    else:
        keys = [f"{p}:hs:{section_id}:{first + 3600 * i}" for i in range(hours)]
    scratch = f"{p}:top:{time.monotonic_ns()}"
    pipe = client().pipeline()
    pipe.zunionstore(scratch, keys)
    pipe.zrevrange(scratch, 0, limit - 1, withscores=True)
    pipe.delete(scratch)
    _, ranked, _ = pipe.execute()
    return [(int(member), int(score)) for member, score in ranked]


def most_read(
    *, section_id: int | None = None, limit: int = MOST_READ_LENGTH, now: datetime | None = None
) -> list[Item]:
    """The Most Read list: live stories by counted reads, topped up with recent stories.

    On a new site (or a quiet section) fewer than ``limit`` stories have been
    read in the window; the list is filled with the newest stories not already
    on it, so the rail is never empty while there are stories.
    """
    ranked = top_ids(STORY, hours=window_hours(), section_id=section_id, limit=limit * 3, now=now)
    items = catalogue().items(STORY, [story_id for story_id, _ in ranked])
    chosen = [items[story_id] for story_id, _ in ranked if story_id in items][:limit]
    if len(chosen) < limit:
        shown = {item.id for item in chosen}
        for item in catalogue().recent(STORY, section_id=section_id, limit=limit * 2):
            if item.id not in shown and len(chosen) < limit:
                chosen.append(item)
                shown.add(item.id)
    return chosen


def most_read_cached(*, section_id: int | None = None) -> list[Item]:
    """``most_read`` kept ``MOST_READ_CACHE_SECONDS`` in the shared cache (fresh within a minute)."""
    key = f"analytics:most-read:{section_id or 'site'}:{window_hours()}"
    found = cache.get(key)
    if found is None:
        found = most_read(section_id=section_id)
        cache.set(key, found, getattr(settings, "MOST_READ_CACHE_SECONDS", 30))
    return found


def fragment_max_age() -> int:
    """How long HTTP caches may keep the Most Read fragment, so that it stays fresh.

    A read reaches the counts within a flush (``ANALYTICS_FLUSH_SECONDS``);
    the list is then kept ``MOST_READ_CACHE_SECONDS`` in the shared cache;
    what is left of ``FRESH_WITHIN_SECONDS`` is the fragment's ``max-age``,
    shared by every HTTP cache after it (the page cache, a CDN, the browser:
    each passes the time it kept it on in ``Age``). 0: not to be kept.
    """
    flush = math.ceil(getattr(settings, "ANALYTICS_FLUSH_SECONDS", 1.0))
    kept = int(getattr(settings, "MOST_READ_CACHE_SECONDS", 30))
    return max(0, FRESH_WITHIN_SECONDS - flush - kept)


def popular_ids(kind: str, *, days: int = 7, limit: int = 20) -> list[int]:
    """The most viewed items over the last ``days`` days (for new readers)."""
    return [i for i, _ in top_ids(kind, hours=days * 24, limit=limit)]


def reader_history(reader: str, *, limit: int = 200) -> list[tuple[str, int]]:
    """``[(kind, id)]`` this reader viewed, most recent first, each item once."""
    seen: dict[tuple[str, int], None] = {}
    rows = ReaderView.objects.filter(reader=reader).order_by("-viewed_at")[: limit * 2]
    for kind, object_id in rows.values_list("kind", "object_id"):
        seen.setdefault((kind, object_id), None)
    return list(seen)[:limit]


def watched_videos(reader: str) -> set[int]:
    return set(
        ReaderView.objects.filter(reader=reader, kind=VIDEO).values_list("object_id", flat=True)
    )
