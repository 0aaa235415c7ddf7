"""The one API pages use to tell the page cache what it may keep, and as which copy.

A response is stored only if Django code marked it while rendering. Every
Wagtail page is marked as a plain page by a hook (``before_serve_page``,
registered by ``content``); a page whose output depends on the reader
re-marks itself from its own ``serve``:

- ``mark_cacheable(request)``: the same for every anonymous reader;
- ``mark_cacheable(request, query={"page": "2"})``: the same for every reader
  of this canonical query (only the parameters the page reads; a request
  whose query differs, e.g. ``?page=999`` shown as the last page, is not kept);
- ``mark_cacheable(request, variant=WHOLE | WALLED, story_id=..., reader_cookie=...)``:
  a metered story's copy; a hit picks the copy through the meter
  (``metering.meter.meter_hit``) and sets ``reader_cookie`` itself;
- ``mark_uncacheable(request)``: this answer is for this reader only.

Outside the fast path (tests through the Django client, commands) these do
nothing: the slot only exists in the WSGI environ the page cache made.
"""

from __future__ import annotations

ENVIRON_KEY = "masthead.pagecache"

# Copies of one URL. Plain pages have one; a metered story has a small
# "router" entry under the URL that names the story, and a body per variant.
PLAIN, WHOLE, WALLED = "page", "whole", "walled"
VARIANTS = (PLAIN, WHOLE, WALLED)


class Slot:
    """Per-request notes from Django code to the WSGI layer (lives in ``environ``).

    ``request.environ`` is the WSGI environ, so a page or a view reaches it
    without the WSGI layer seeing the request object.
    """

    __slots__ = ("cacheable", "variant", "story_id", "query", "reader_cookie")

    def __init__(self) -> None:
        self.cacheable = False
        self.variant = PLAIN
        self.story_id: int | None = None
        self.query: dict[str, str] = {}
        self.reader_cookie: str | None = None


def mark_cacheable(
    request,
    *,
    variant: str = PLAIN,
    story_id: int | None = None,
    query: dict[str, str] | None = None,
    reader_cookie: str | None = None,
) -> None:
    """Let the page cache keep this response for other anonymous readers (see the module)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown page-cache variant {variant!r}")
    if (variant == PLAIN) != (story_id is None):
        raise ValueError("a metered copy (whole or walled) names its story, a plain page none")
    slot = request.environ.get(ENVIRON_KEY)
    if slot is not None:
        slot.cacheable = True
        slot.variant = variant
        slot.story_id = story_id
        slot.query = dict(query or {})
        slot.reader_cookie = reader_cookie


def mark_uncacheable(request) -> None:
    """Keep this response out of the cache whatever was marked before."""
    slot = request.environ.get(ENVIRON_KEY)
    if slot is not None:
        slot.cacheable = False


def before_serve_page(page, request, serve_args, serve_kwargs) -> None:
    """Wagtail hook: every published page is a plain cacheable page unless it says otherwise.

    Registered (by ``content``) with a late ``order`` so Wagtail's
    view-restriction check runs first; a restricted page returns its login
    redirect or password form before this runs, and readers who passed a
    restriction carry a session cookie, which the fast path never serves.
    """
    mark_cacheable(request)
