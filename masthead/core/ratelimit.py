"""Fixed-window rate limits in the shared cache (Redis in production), so every
web process counts against the same limit.

    if rate_limit_exceeded(scope="signin-link:ip", key=client_ip(request), rate="20/3600"):
        ... answer "Too many attempts" in the page ...

``rate`` is "<count>/<seconds>"; each call counts one attempt.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, seconds = rate.partition("/")
    return int(count), max(int(seconds or 60), 1)


def rate_limit_exceeded(*, scope: str, key: str, rate: str) -> bool:
    """Count one attempt for ``key`` in ``scope``; True once the window is full."""
    limit, period = parse_rate(rate)
    if limit <= 0:
        return False
    window = int(time.time()) // period
    digest = hashlib.sha256(f"{scope}|{key}".encode()).hexdigest()[:32]
    cache_key = f"rl:{digest}:{window}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period + 1)
        count = 1
    return count > limit


def client_ip(request: HttpRequest) -> str:
    """The reader's address: behind a trusted proxy, the last hop it recorded."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"
