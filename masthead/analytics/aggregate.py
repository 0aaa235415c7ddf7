"""The periodic job: Redis totals and reading history into the database.

Runs every minute from the worker's clock (``runtime/worker.py``); any number
of workers may run it at once:

- hourly totals are *copied*, not added: each ``ViewCount`` row for an hour
  is set to Redis's running total under the Redis data set's ``epoch``, so
  two workers copying the same hour write the same figure;
- reading history is *moved*: ``LPOP`` hands each logged view to exactly one
  worker, which inserts it as a ``ReaderView`` row.

If Redis restarts empty, a new epoch starts: the rows copied under the old
one stay (their hours keep their counts) and the new data set's counts go in
beside them. What is lost is what had not been copied yet: at most a minute
of views, the reload-dedup marks (a reload right after a restart counts
again) and, for Most Read, the live sets (it falls back to the database's
copy until Redis has counted a window again).
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import STORY, ReaderView, ViewCount
from .store_db import history_insert

logger = logging.getLogger(__name__)

LOG_BATCH = 5000
HISTORY_DAYS_DEFAULT = 180


def epoch() -> str:
    """The current Redis data set's name: set once, lost with the data."""
    from .store_redis import client, prefix

    key = f"{prefix()}:epoch"
    redis = client()
    redis.set(key, secrets.token_hex(6), nx=True)
    return redis.get(key).decode()


def views_aggregate() -> dict[str, int]:
    """Copy Redis's hourly totals and move its view log into the database."""
    if not settings.REDIS_URL:
        return {"hours": 0, "history": 0}
    from .store_redis import _section_of, client, keep_seconds, prefix

    redis = client()
    p = prefix()
    name = epoch()
    oldest = int(timezone.now().timestamp()) - keep_seconds()
    hours = sorted(int(h) for h in redis.smembers(f"{p}:hours"))
    copied = 0
    for hour in hours:
        if hour < oldest:
            redis.srem(f"{p}:hours", hour)
            continue
        at = datetime.fromtimestamp(hour, tz=UTC)
        for kind in (STORY, "v"):
            totals = redis.zrange(f"{p}:h:{kind}:{hour}", 0, -1, withscores=True)
            if not totals:
                continue
            ids = [int(member) for member, _ in totals]
            sections = _section_of(set(ids)) if kind == STORY else {}
            rows = [
                ViewCount(
                    kind=kind, object_id=int(member), hour=at, epoch=name, views=int(score),
                    section_id=sections.get(int(member)),
                )
                for member, score in totals
            ]  # fmt: skip
            ViewCount.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["kind", "object_id", "hour", "epoch"],
                update_fields=["views", "section_id"],
                batch_size=1000,
            )
            copied += len(rows)
    moved = 0
    while True:
        entries = redis.lpop(f"{p}:log", LOG_BATCH)
        if not entries:
            break
        rows = []
        for entry in entries:
            reader, kind, object_id, ts = entry.decode().split(" ")
            rows.append((reader, kind, int(object_id), float(ts)))
        with transaction.atomic():
            history_insert(rows)
        moved += len(rows)
        if len(entries) < LOG_BATCH:
            break
    return {"hours": copied, "history": moved}


def history_prune(*, now: datetime | None = None) -> int:
    """Drop reading history older than ``ANALYTICS_HISTORY_DAYS`` (totals are kept)."""
    now = now or timezone.now()
    days = getattr(settings, "ANALYTICS_HISTORY_DAYS", HISTORY_DAYS_DEFAULT)
    deleted, _ = ReaderView.objects.filter(viewed_at__lt=now - timedelta(days=days)).delete()
    return deleted


def analytics_periodic() -> None:
    """The worker clock's call: aggregate, then prune (each failure logged, retried next minute)."""
    try:
        views_aggregate()
    except Exception:
        logger.exception("Copying view counts from Redis failed; will retry")
    try:
        history_prune()
    except Exception:
        logger.exception("Pruning reading history failed; will retry")
