"""Shared fragments: small answers fetched after load, kept a few seconds per process.

A page that shows something changing every minute (Most Read) fetches it
after load, so the page itself stays one shared copy under the site-wide
generation. The fetch is a request of its own on every page view; through
Django it costs more than the cached page (measured in decision 0012). Here
the WSGI layer keeps such an answer in a small table of its own, like any
shared HTTP cache would, for as long as the answer itself allows:

- only the paths named in ``PAGECACHE_SHARED_FRAGMENTS`` (URL names) are
  looked up, so no other request pays for this beyond one set lookup;
- an answer is kept only if it says it may be: a ``200`` with
  ``Cache-Control: public`` and ``s-maxage=N`` (the view owns its freshness
  budget; N is capped at ``MAX_SECONDS``), without ``Set-Cookie`` and
  varying on nothing but ``Accept-Encoding``. A per-reader answer
  (``private``, ``no-store``, a cookie) is never kept, even on a listed path;
- a kept answer goes out with an ``Age`` header, so a CDN or a browser after
  us keeps it only for what is left of N;
- it is also tied to the content generation: an edit drops it with the
  pages. It never replaces the generation;
- the key is the scheme, path and query string; the table is bounded
  (``MAX_ENTRIES``, oldest out), so odd queries can push out fragments but
  never pages.

The same preconditions as for pages hold: GET or HEAD to the site's own
host, no session or messages cookie, no ``Authorization``.
"""

from __future__ import annotations

import re
import time
from typing import NamedTuple

from django.conf import settings
from django.urls import NoReverseMatch, reverse

MAX_SECONDS = 60
MAX_ENTRIES = 64
_S_MAXAGE = re.compile(r"(?:^|,)\s*s-maxage\s*=\s*(\d{1,6})\s*(?:,|$)")


class Fragment(NamedTuple):
    generation: str
    expires: float  # unix time
    stored_at: float
    status: str
    headers: list[tuple[str, str]]
    body: bytes


def fragment_paths() -> frozenset[str]:
    """The paths of the URL names in ``PAGECACHE_SHARED_FRAGMENTS`` (unknown names skipped)."""
    paths = set()
    for name in getattr(settings, "PAGECACHE_SHARED_FRAGMENTS", ()):
        try:
            paths.add(reverse(name))
        except NoReverseMatch:
            continue
    return frozenset(paths)


def shared_seconds(status: str, headers: list[tuple[str, str]]) -> int:
    """How long a shared cache may keep this answer by its own headers; 0 for not at all."""
    if not status.startswith("200"):
        return 0
    control = ""
    for name, value in headers:
        lower = name.lower()
        if lower == "set-cookie":
            return 0
        if lower == "vary" and any(
            v.strip().lower() != "accept-encoding" for v in value.split(",")
        ):
            return 0
        if lower == "cache-control":
            control = value.lower()
    words = {word.strip().split("=", 1)[0] for word in control.split(",")}
    if "public" not in words or words & {"private", "no-store", "no-cache"}:
        return 0
    match = _S_MAXAGE.search(control)
    return min(int(match[1]), MAX_SECONDS) if match else 0


class FragmentTable:
    """``key -> Fragment``, bounded, oldest out; read and written by request threads."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self.entries: dict[str, Fragment] = {}
        self.hits = 0
        self.misses = 0

    def fresh(self, key: str, generation: str, now: float) -> Fragment | None:
        found = self.entries.get(key)
        if found is None or found.generation != generation or now >= found.expires:
            return None
        return found

    def put(self, key: str, fragment: Fragment) -> None:
        self.entries.pop(key, None)
        while len(self.entries) >= self.max_entries:
            try:
                del self.entries[next(iter(self.entries))]
            except (KeyError, StopIteration, RuntimeError):  # another thread got there first
                break
        self.entries[key] = fragment


def fragment_answer(fragment: Fragment, now: float, method: str):
    """``(status, headers, body chunks)`` for a kept fragment, with its ``Age``."""
    headers = [*fragment.headers, ("Age", str(int(now - fragment.stored_at)))]
    return fragment.status, headers, [] if method == "HEAD" else [fragment.body]


def fragment_keep(
    table: FragmentTable, key: str, generation: str, status: str, headers, body: bytes
) -> None:
    """Keep Django's answer if its headers allow a shared cache to (see the module)."""
    seconds = shared_seconds(status, headers)
    if seconds <= 0:
        return
    now = time.time()
    table.put(key, Fragment(generation, now + seconds, now, status, list(headers), body))
