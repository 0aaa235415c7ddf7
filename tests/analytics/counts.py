"""Recorded views for the analytics and recommendations tests: a clean slate of
counts (``clean_counts``, autouse where a conftest imports it), a browser's
user agent (bots are not counted), and a way to drain what was recorded."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache

from masthead.analytics.aggregate import views_aggregate
from masthead.analytics.ingest import views_discard, views_flush

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"


def redis_clear() -> None:
    if settings.REDIS_URL:
        from masthead.analytics.store_redis import client, prefix

        redis = client()
        for key in redis.scan_iter(f"{prefix()}:*", count=1000):
            redis.delete(key)


@pytest.fixture(autouse=True)
def clean_counts():
    views_discard()
    redis_clear()
    cache.clear()
    yield
    views_discard()
    redis_clear()


def drain() -> None:
    """What the flush thread and the worker's clock do, now: views into the database."""
    views_flush()
    views_aggregate()
