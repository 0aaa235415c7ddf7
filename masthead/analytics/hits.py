"""Recording views where they happen: the page cache's hit path and Django.

``pagecache_hit`` is the one call the page cache's WSGI layer makes on a
cached story hit (``masthead/pagecache/app.py``); it must stay cheap: no I/O,
a few microseconds (``bench/scenarios/analytics.py`` measures it). Views that
Django renders (cache misses, signed-in readers, videos) are recorded by
``request_view_record``.
"""

from __future__ import annotations

import time

from masthead.metering.meter import METER_COOKIE

from .ingest import view_record
from .models import STORY, VIDEO
from .readers import is_bot, reader_key, request_reader_key


def pagecache_hit(environ: dict, story_id: int, cookies: dict) -> None:
    """Count an anonymous reader's view of a story served from the page cache."""
    user_agent = environ.get("HTTP_USER_AGENT", "")
    if environ["REQUEST_METHOD"] != "GET" or is_bot(user_agent):
        return
    now = time.time()
    reader = reader_key(
        user_id=None, meter_cookie=cookies.get(METER_COOKIE), user_agent=user_agent,
        story_id=story_id, now=now,
    )  # fmt: skip
    view_record(reader=reader, kind=STORY, object_id=story_id, user_agent=user_agent, now=now)


def request_view_record(request, *, kind: str, object_id: int) -> None:
    """Count a view Django served (story render, video page)."""
    if request.method != "GET":
        return
    now = time.time()
    reader = request_reader_key(request, story_id=object_id if kind == STORY else None, now=now)
    view_record(
        reader=reader,
        kind=kind,
        object_id=object_id,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        now=now,
    )


def video_view_record(request, video_id: int) -> None:
    request_view_record(request, kind=VIDEO, object_id=video_id)
