"""The anonymous page cache: what is stored, where, and when it stops being valid.

The WSGI layer in ``fastpath.py`` serves these entries without entering
Django; this module holds the parts Django code also touches (marking a
response cacheable, invalidating after an edit) and the storage.

Validity is one *content generation* shared by every web process: a random
token kept in the Django cache ("default": Redis in production, a file cache
on one machine). Each entry carries the generation it was rendered under and
is served only while that is still the current one. Any change that can show
on a page (publish, unpublish, move, delete, a snippet or the site settings)
replaces the token after its transaction commits, so the next request in any
process misses and renders fresh. Why one token for everything rather than
per-page keys: a page shows other pages (rails, "Next Story", bylines, the
site name), so finding every page an edit touches is a dependency graph that
is easy to get wrong; newsrooms publish a few times an hour, so re-rendering
the hot pages after each edit costs little. Tokens are random rather than a
counter so that a state record lost to eviction or a flush can never bring
back an old generation (and its stale entries).

The state record also carries the anonymous meter policy (allowance, period),
so the fast path decides "whole or walled" without a query and picks up a
settings change at the same moment as the pages do.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import secrets
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.cache import caches
from django.db import transaction

ENVIRON_KEY = "masthead.pagecache"
STATE_KEY = "pc:state"
ENTRY_TIMEOUT = 3600  # seconds; validity comes from the generation, this only frees memory

# Variants of one URL. Plain pages have one; a metered story has a small
# "router" entry under the URL that names the story, and a body per variant.
PLAIN, WHOLE, WALLED = "page", "whole", "walled"

logger = logging.getLogger(__name__)


# --- marking: Django code says a response may be shared by anonymous readers ---


class Slot:
    """Per-request notes from Django code to the WSGI layer (lives in ``environ``).

    ``request.environ`` is the WSGI environ, so a view or a Wagtail hook can
    reach it without the WSGI layer seeing the request object.
    """

    __slots__ = ("cacheable", "story_id", "request")

    def __init__(self) -> None:
        self.cacheable = False
        self.story_id: int | None = None
        self.request: Any = None


def mark_cacheable(request, *, story_id: int | None = None) -> None:
    """Let the page cache keep this response for other anonymous readers.

    ``story_id`` marks a metered story: its variant (whole or walled) is read
    from ``request.story_access`` (set by ``StoryPage.serve``) after rendering.
    Outside the fast path (tests, ``manage`` commands) this does nothing.
    """
    slot = request.environ.get(ENVIRON_KEY)
    if slot is not None:
        slot.cacheable = True
        slot.story_id = story_id
        slot.request = request


def mark_uncacheable(request) -> None:
    """Keep this response out of the cache whatever was marked before."""
    slot = request.environ.get(ENVIRON_KEY)
    if slot is not None:
        slot.cacheable = False


def cacheable(view):
    """Decorator for reader views whose output is the same for every anonymous reader."""
    from functools import wraps

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        mark_cacheable(request)
        return view(request, *args, **kwargs)

    return wrapper


def before_serve_page(page, request, serve_args, serve_kwargs):
    """Wagtail hook: every published page is cacheable for anonymous readers.

    Registered with a late ``order`` so Wagtail's view-restriction check runs
    first; a restricted page returns its login redirect or password form
    before this runs, and readers who passed a restriction carry a session
    cookie, which the fast path never serves.
    """
    from masthead.content.models import StoryPage

    story_id = page.pk if isinstance(page, StoryPage) else None
    mark_cacheable(request, story_id=story_id)


# --- the shared state and entries ----------------------------------------------


@dataclass(frozen=True)
class State:
    generation: str
    allowance: int
    period_days: int

    def encode(self) -> bytes:
        return f"{self.generation}|{self.allowance}|{self.period_days}".encode()

    @classmethod
    def decode(cls, raw: bytes | str | None) -> State | None:
        if not raw:
            return None
        try:
            if isinstance(raw, bytes):
                raw = raw.decode()
            generation, allowance, period = raw.split("|")
            return cls(generation, int(allowance), int(period))
        except ValueError:  # garbled (UnicodeDecodeError is a ValueError): start afresh
            return None


class Entry(NamedTuple):
    generation: str
    status: str  # "200 OK"
    headers: list[tuple[str, str]]  # without Set-Cookie
    body: bytes  # CSRF tokens replaced by CSRF_PLACEHOLDER when ``csrf``
    csrf: bool = False
    story_id: int | None = None  # set on a metered story's router entry (empty body)
    # ``body`` split at the placeholders, made when a process keeps the entry
    # locally, so each answer joins the parts around a token without a search
    parts: tuple[bytes, ...] | None = None


CSRF_PLACEHOLDER = b"\x00mh-csrf\x00"


def new_generation() -> str:
    return secrets.token_hex(8)


def current_generation() -> str | None:
    """The shared generation token, started here if the cache holds none yet (a
    fresh or flushed cache) and no transaction is open; None when there is none
    or the cache cannot be used (callers then go to the database)."""
    try:
        shared = store()
        state = shared.state()
        if state is None and not transaction.get_connection().in_atomic_block:
            # Not inside a transaction: it could read settings that never commit.
            shared.add_state(State(new_generation(), *current_policy()))
            state = shared.state()
    except Exception:  # an optimisation must not take the site down with the cache
        logger.warning("page cache state unreadable; reading from the database", exc_info=True)
        return None
    return state.generation if state else None


def current_policy() -> tuple[int, int]:
    """(allowance, period_days) from the site settings; one query."""
    from masthead.core.models import SiteSettings

    site = SiteSettings.load_uncached()
    return site.meter_allowance, site.meter_period_days


def hashed(url_key: str) -> str:
    """A short, backend-safe cache key for a URL key (any characters, any length)."""
    return (
        "pc:e:"
        + hashlib.blake2b(url_key.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
    )


class CacheStore:
    """Entries and state in any Django cache backend (file, locmem, Redis, ...)."""

    def __init__(self, cache) -> None:
        self.cache = cache

    def state(self) -> State | None:
        return State.decode(self.cache.get(STATE_KEY))

    def put_state(self, state: State) -> None:
        self.cache.set(STATE_KEY, state.encode(), timeout=None)

    def add_state(self, state: State) -> None:
        self.cache.add(STATE_KEY, state.encode(), timeout=None)

    def entry(self, url_key: str) -> Entry | None:
        value = self.cache.get(hashed(url_key))
        return Entry(*value) if value else None

    def put_entry(self, url_key: str, entry: Entry) -> None:
        self.cache.set(hashed(url_key), tuple(entry), timeout=ENTRY_TIMEOUT)


class RedisStore(CacheStore):
    """The same keys through the Redis client directly.

    Django's cache API builds a client object, validates the key character by
    character and pickles on every call; on the hot path that is most of the
    cost of a hit, so the state is a plain string read with one GET.
    """

    def __init__(self, cache) -> None:
        super().__init__(cache)
        self.client = cache._cache.get_client(write=True)
        self.state_key = cache.make_key(STATE_KEY)

    def state(self) -> State | None:
        return State.decode(self.client.get(self.state_key))

    def put_state(self, state: State) -> None:
        self.client.set(self.state_key, state.encode())

    def add_state(self, state: State) -> None:
        self.client.set(self.state_key, state.encode(), nx=True)

    def entry(self, url_key: str) -> Entry | None:
        value = self.client.get(self.cache.make_key(hashed(url_key)))
        return Entry(*pickle.loads(value)) if value else None  # noqa: S301 (our own writes)

    def put_entry(self, url_key: str, entry: Entry) -> None:
        data = pickle.dumps(tuple(entry), protocol=pickle.HIGHEST_PROTOCOL)
        self.client.set(self.cache.make_key(hashed(url_key)), data, ex=ENTRY_TIMEOUT)


def store() -> CacheStore:
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    return RedisStore(cache) if isinstance(cache, RedisCache) else CacheStore(cache)


# --- invalidation ----------------------------------------------------------------


def content_changed() -> None:
    """Start a new generation once the current transaction commits.

    Not before: a reader rendering between the bump and the commit would see
    the old rows and store them under the new generation.
    """
    transaction.on_commit(generation_bump)


def generation_bump() -> State:
    """Replace the generation now (and re-read the meter policy); returns the new state."""
    allowance, period_days = current_policy()
    state = State(new_generation(), allowance, period_days)
    store().put_state(state)
    return state
