"""Recording views where they happen: the page cache's hit path and Django.

``pagecache_hit`` is the one call the page cache's WSGI layer makes on a
cached story hit (``masthead/pagecache/app.py``); it must stay cheap: no I/O,
no hashing, no settings, well under a microsecond (``bench/scenarios/analytics.py``
measures it): it appends the view's raw material to the process's buffer and
the flush thread does the rest (``ingest.py``). Views that Django renders
(cache misses, signed-in readers, videos) are recorded by
``request_view_record`` the same way.
"""

from __future__ import annotations

from time import time

from masthead.metering.meter import METER_COOKIE

from .ingest import view_note
from .models import STORY, VIDEO
from .readers import METER_COOKIE_MAX, USER_AGENT_KEPT, is_bot, meter_oldest_read

_METER_KEPT = 200  # a longer meter cookie is kept as its oldest read alone (same key)


def pagecache_hit(environ: dict, story_id: int, cookies: dict) -> None:
    """Count an anonymous reader's view of a story served from the page cache.

    Notes the raw material only (``ingest.view_note``): the bot check and the
    reader key are the flush thread's work. A request without a user agent is
    a bot and stops here.
    """
    user_agent = environ.get("HTTP_USER_AGENT")
    if user_agent and environ["REQUEST_METHOD"] == "GET":
        _anonymous_note(user_agent, cookies.get(METER_COOKIE), STORY, story_id)


def request_view_record(request, *, kind: str, object_id: int) -> None:
    """Count a view Django served (story render, video page); keyed at flush like a hit."""
    user_agent = request.META.get("HTTP_USER_AGENT")
    if not user_agent or request.method != "GET":
        return
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if not is_bot(user_agent):
            view_note(f"u{user.pk}", None, user_agent, kind, object_id, time())
        return
    _anonymous_note(user_agent, request.COOKIES.get(METER_COOKIE), kind, object_id)


def video_view_record(request, video_id: int) -> None:
    request_view_record(request, kind=VIDEO, object_id=video_id)


def _anonymous_note(user_agent: str, meter: str | None, kind: str, object_id: int) -> None:
    """Buffer an anonymous view with its strings bounded, so a full buffer stays small.

    The bounds change no reader key: the key reads the first ``USER_AGENT_KEPT``
    characters of the agent and only the oldest read of the meter cookie (a
    longer agent is checked for a bot here, on its whole length).
    """
    if len(user_agent) > USER_AGENT_KEPT:
        if is_bot(user_agent):
            return
        user_agent = user_agent[:USER_AGENT_KEPT]
    if meter is not None and len(meter) > _METER_KEPT:
        oldest = meter_oldest_read(meter) if len(meter) <= METER_COOKIE_MAX else None
        meter = None if oldest is None else f"1.{oldest or '-'}.-"  # parses back to oldest
    view_note(None, meter, user_agent, kind, object_id, time())
