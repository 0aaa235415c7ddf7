"""Taking views in: an in-process buffer, drained off the request path.

``view_record`` is what a request pays for a view: a bot check (cached per
user agent) and appending a tuple to a list. A daemon thread per process
drains the list every ``ANALYTICS_FLUSH_SECONDS`` into the sink:

- no ``REDIS_URL`` (embedded): straight into the database, deduplicated
  against the rows of the last ``ANALYTICS_DEDUP_SECONDS`` (``store_db``);
- ``REDIS_URL`` set: one Lua script call per batch into Redis, shared by every
  web server (``store_redis``); a periodic job copies the totals into the
  database (``aggregate.py``).

What a crash of a web process loses: the views of its last flush interval.
The buffer is bounded (``MAX_BUFFER``): if the sink is down, views beyond it
are dropped and counted in ``dropped`` rather than growing memory.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time

from django.conf import settings

from .readers import is_bot

logger = logging.getLogger(__name__)

MAX_BUFFER = 200_000

# (reader, kind, object id, unix time); appended by request threads, swapped out
# whole by the flusher (list.append and the swap are atomic under the GIL).
_buffer: list[tuple[str, str, int, float]] = []
_state = {"thread": None, "pid": None, "dropped": 0}
_flush_lock = threading.Lock()


def view_record(*, reader: str, kind: str, object_id: int, user_agent: str, now: float) -> bool:
    """Note one view for counting; False when it is not counted (a bot).

    Costs microseconds and does no I/O: safe on the page cache's hit path.
    """
    if is_bot(user_agent):
        return False
    if len(_buffer) >= MAX_BUFFER:
        _state["dropped"] += 1
        return False
    _buffer.append((reader, kind, object_id, now))
    if _state["thread"] is None or _state["pid"] != _pid():
        _start_flusher()
    return True


def views_flush() -> int:
    """Drain the buffer into the sink now; returns how many views were counted.

    Called by the flush thread, at exit, and by tests and benchmarks.
    """
    global _buffer
    with _flush_lock:
        batch, _buffer = _buffer, []
        if not batch:
            return 0
        from . import store_db, store_redis

        try:
            if settings.REDIS_URL:
                return store_redis.views_store(batch)
            return store_db.views_store(batch)
        except Exception:
            logger.exception("Storing %d views failed; they are dropped", len(batch))
            _state["dropped"] += len(batch)
            return 0


def views_discard() -> None:
    """Forget views not yet flushed (tests)."""
    _buffer.clear()


def _pid() -> int:
    import os

    return os.getpid()


def _start_flusher() -> None:
    """One flush thread per process, started on first use (after a fork too)."""
    with _flush_lock:
        if _state["thread"] is not None and _state["pid"] == _pid():
            return
        if not getattr(settings, "ANALYTICS_FLUSH_THREAD", True):
            _state["thread"], _state["pid"] = "off", _pid()
            return
        thread = threading.Thread(target=_flush_forever, name="masthead-views", daemon=True)
        _state["thread"], _state["pid"] = thread, _pid()
        thread.start()
        atexit.register(views_flush)


def _flush_forever() -> None:
    from django.db import close_old_connections

    interval = getattr(settings, "ANALYTICS_FLUSH_SECONDS", 1.0)
    while True:
        time.sleep(interval)
        if _buffer:
            views_flush()
            close_old_connections()
