"""Comment counts and thread states for cached story pages, in their own small cache.

A story page is served from the shared page cache, whose one generation only
content changes replace; a comment must never replace it. So the page holds
no count: ``comments.js`` asks ``/comments/counts/?pages=...`` after load, and
that answer is read from here: one entry per thread (its published count, its
state, when it closes by age) in the shared cache. A change to a thread drops
that thread's entry after commit; closing or reopening a story or section
bumps this cache's own version, dropping all entries (a section reaches many
stories). Measured in docs/decisions/0013-comments-counts.md.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

from django.core.cache import caches
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

ENTRY_TIMEOUT = 600  # seconds; validity comes from invalidation, this frees memory
VERSION_KEY = "cm:version"
logger = logging.getLogger(__name__)


def _cache():
    return caches["default"]


def _version() -> str:
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        version = secrets.token_hex(6)
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return version


def _key(version: str, page_id: int) -> str:
    return f"cm:{version}:{page_id}"


def thread_forget(page_id: int) -> None:
    """Drop one thread's entry once the change that calls this commits."""

    def forget() -> None:
        try:
            _cache().delete(_key(_version(), page_id))
        except Exception:  # entries also expire; a cache outage never fails the write
            logger.warning("comments: could not drop a count entry", exc_info=True)

    transaction.on_commit(forget)


def threads_forget_all() -> None:
    """Drop every entry (a story or section closed or reopened), after commit."""

    def forget() -> None:
        try:
            _cache().set(VERSION_KEY, secrets.token_hex(6), timeout=None)
        except Exception:
            logger.warning("comments: could not drop the count entries", exc_info=True)

    transaction.on_commit(forget)


def _state(entry: dict, now: datetime) -> str:
    closes_at = entry.get("closes_at")
    if entry["state"] == "open" and closes_at is not None and closes_at <= now.timestamp():
        return "closed"
    return entry["state"]


def thread_summaries(page_ids: list[int]) -> dict[int, dict]:
    """``{page_id: {"count": n, "state": "open" | "closed" | "off"}}`` for threads
    that exist (unknown pages are left out)."""
    from .models import Comment
    from .services import thread_status

    cache = _cache()
    version = _version()
    keys = {_key(version, page_id): page_id for page_id in page_ids}
    found = cache.get_many(list(keys))
    missing = [page_id for key, page_id in keys.items() if key not in found]
    if missing:
        counts = dict(
            Comment.objects.published()
            .filter(page_id__in=missing)
            .values("page_id")
            .annotate(n=Count("id"))
            .values_list("page_id", "n")
        )
        fresh = {}
        for page_id in missing:
            status = thread_status(page_id=page_id)
            if status is None:
                continue
            fresh[_key(version, page_id)] = {
                "count": counts.get(page_id, 0),
                "state": status.state,
                "closes_at": status.closes_at.timestamp() if status.closes_at else None,
            }
        if fresh:
            cache.set_many(fresh, timeout=ENTRY_TIMEOUT)
        found.update(fresh)
    now = timezone.now()
    return {
        keys[key]: {"count": entry["count"], "state": _state(entry, now)}
        for key, entry in found.items()
    }
