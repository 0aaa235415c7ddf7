"""Saying, once per interval, what is running in a degraded mode.

When the shared cache is unreachable the site keeps serving through the
database and Django (slower, never an error). Every request meets the outage,
so logging each one would bury the log; this logs the first occurrence of
each kind as a warning, then at most once per ``INTERVAL`` seconds with a
count of what happened since, and once more when it recovers.
"""

from __future__ import annotations

import logging
import threading
import time

INTERVAL = 60.0
logger = logging.getLogger("masthead.degraded")
_lock = threading.Lock()
_seen: dict[str, list[float]] = {}  # kind -> [last logged at, occurrences since]


def degraded(kind: str, message: str) -> None:
    """Record that ``kind`` (e.g. "cache") is degraded; logs at most once per interval."""
    now = time.monotonic()
    with _lock:
        seen = _seen.get(kind)
        if seen is not None and now - seen[0] < INTERVAL:
            seen[1] += 1
            return
        since = int(seen[1]) if seen else 0
        _seen[kind] = [now, 0]
    extra = f" ({since} more since the last warning)" if since else ""
    logger.warning("degraded: %s%s", message, extra)


def recovered(kind: str, message: str) -> None:
    """``kind`` works again: say so once and reset its interval."""
    with _lock:
        was = _seen.pop(kind, None)
    if was is not None:
        logger.warning("recovered: %s", message)


def degraded_forget() -> None:
    with _lock:
        _seen.clear()
