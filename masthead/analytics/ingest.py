"""Taking views in: an in-process buffer, drained off the request path.

What a request pays for a view is ``view_note``: a length check and
appending the view's raw material (reader key or meter cookie, user agent,
item, time) to a list. Everything that costs more is done by a daemon thread
per process, which drains the list every ``ANALYTICS_FLUSH_SECONDS``:

1. ``views_prepare``: views with the same raw material in the same second
   are collapsed into one (the sink would count only the first of them: a
   reload within the dedup window counts once, and views are timed to the
   second, so this changes no count); bots are dropped (``is_bot``) and
   anonymous readers' keys are derived (``readers.reader_key``, a keyed hash).
   A reload storm or a burst of new readers in one second costs one entry.
2. the sink:

   - no ``REDIS_URL`` (embedded): straight into the database, deduplicated
     against the rows of the last ``ANALYTICS_DEDUP_SECONDS`` (``store_db``);
   - ``REDIS_URL`` set: one Lua script call per batch into Redis, shared by
     every web server (``store_redis``); a periodic job copies the totals
     into the database (``aggregate.py``).

What a crash of a web process loses: the views of its last flush interval.
The buffer is bounded (``MAX_BUFFER`` views; the strings it keeps are capped
by ``pagecache_hit``): if the sink is stuck, views beyond it are dropped and
counted in ``dropped`` rather than growing memory. A forked child starts
with an empty buffer and its own flush thread, so nothing its parent had
buffered is counted twice.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time

from django.conf import settings

from .models import STORY
from .readers import is_bot, reader_key

logger = logging.getLogger(__name__)

MAX_BUFFER = 200_000

# (reader key or None, meter cookie or None, user agent, kind, object id, unix time),
# appended by request threads; the flusher takes the first n and deletes them
# (slice copy and slice delete are each atomic under the GIL; appends made in
# between stay at the end). A reader key of None is an anonymous reader, keyed
# at flush time from the meter cookie and the user agent.
Raw = tuple[str | None, str | None, str, str, int, float]
View = tuple[str, str, int, float]
_buffer: list[Raw] = []
_state = {"flushing": False, "dropped": 0, "atexit": False}
_flush_lock = threading.Lock()


def view_note(
    reader: str | None, meter_cookie: str | None, user_agent: str, kind: str, object_id: int,
    now: float,
) -> None:  # fmt: skip
    """Note one view's raw material for the flush thread: the whole cost on a request.

    Positional and unchecked on purpose (it runs on every cached story hit);
    ``pagecache_hit`` and ``view_record`` are the callers.
    """
    if len(_buffer) < MAX_BUFFER:
        _buffer.append((reader, meter_cookie, user_agent, kind, object_id, now))
        if not _state["flushing"]:
            _start_flusher()
    else:
        _state["dropped"] += 1


def view_record(*, reader: str, kind: str, object_id: int, user_agent: str, now: float) -> bool:
    """Note one view of a known reader; False when it is not counted (a bot).

    For callers that have the reader key already (Django's views, imports,
    tests); does no I/O.
    """
    if is_bot(user_agent):
        return False
    if len(_buffer) >= MAX_BUFFER:
        _state["dropped"] += 1
        return False
    view_note(reader, None, user_agent, kind, object_id, now)
    return True


def views_prepare(raw: list[Raw]) -> list[View]:
    """Raw material to views ``(reader, kind, id, second)``: collapsed, bots out, keyed.

    Collapsing equal raw material within one second is exact: equal material
    gives an equal reader key, and of two views of one item by one reader in
    the same second the sink counts at most the first.
    """
    seen: set[tuple] = set()
    views: list[View] = []
    for reader, meter_cookie, user_agent, kind, object_id, ts in raw:
        second = int(ts)
        material = (reader, meter_cookie, user_agent, kind, object_id, second)
        if material in seen:
            continue
        seen.add(material)
        if reader is None:
            if is_bot(user_agent):
                continue
            reader = reader_key(
                user_id=None, meter_cookie=meter_cookie, user_agent=user_agent,
                story_id=object_id if kind == STORY else None, now=ts,
            )  # fmt: skip
        views.append((reader, kind, object_id, float(second)))
    return views


def views_flush() -> int:
    """Drain the buffer into the sink now; returns how many views were counted.

    Called by the flush thread, at exit, and by tests and benchmarks.
    """
    with _flush_lock:
        taken = len(_buffer)
        if not taken:
            return 0
        raw = _buffer[:taken]
        del _buffer[:taken]
        batch = views_prepare(raw)
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


def views_dropped() -> int:
    """Views dropped since the process started: buffer full or the sink failed."""
    return _state["dropped"]


def _start_flusher() -> None:
    """One flush thread per process, started on first use (after a fork too)."""
    with _flush_lock:
        if _state["flushing"]:
            return
        _state["flushing"] = True
        if not getattr(settings, "ANALYTICS_FLUSH_THREAD", True):
            return  # tests and benchmarks call views_flush themselves
        thread = threading.Thread(target=_flush_forever, name="masthead-views", daemon=True)
        thread.start()
        if not _state["atexit"]:  # once: a forked child inherits the handler
            atexit.register(views_flush)
            _state["atexit"] = True


def _after_fork_in_child() -> None:
    """The parent's buffer is the parent's to flush; its thread did not come along."""
    global _flush_lock
    _flush_lock = threading.Lock()  # the parent's flusher may have held it at the fork
    _buffer.clear()
    _state["flushing"] = False


os.register_at_fork(after_in_child=_after_fork_in_child)


def _flush_forever() -> None:
    from django.db import close_old_connections

    interval = getattr(settings, "ANALYTICS_FLUSH_SECONDS", 1.0)
    while True:
        time.sleep(interval)
        if _buffer:
            views_flush()
            close_old_connections()
