"""Stored pages in the shared cache, for the processes that did not render them.

Each process answers hits from its own table (``local.py``); the shared cache
(Redis in production, a file cache on one machine) lets the other processes
fill theirs without rendering. An entry carries the content generation it was
rendered under (``masthead.core.generation``) and is served only while that
is still the current one.

The shared cache is an optimisation: when it cannot be reached, reads answer
"not stored" and writes are dropped, and the log says so once per interval
(``core.degraded``); the page is rendered by Django instead.
"""

from __future__ import annotations

import hashlib
import pickle
from typing import NamedTuple

from django.core.cache import caches

from masthead.core.degraded import degraded

ENTRY_TIMEOUT = 3600  # seconds; validity comes from the generation, this only frees memory


class Entry(NamedTuple):
    generation: str
    status: str  # "200 OK"
    headers: list[tuple[str, str]]  # without Set-Cookie
    body: bytes  # CSRF tokens replaced by csrf.CSRF_PLACEHOLDER when ``csrf``
    csrf: bool = False
    story_id: int | None = None  # set on a metered story's router entry (empty body)
    # ``body`` split at the placeholders, made when a process keeps the entry
    # locally, so each answer joins the parts around a token without a search
    parts: tuple[bytes, ...] | None = None


def hashed(url_key: str) -> str:
    """A short, backend-safe cache key for a URL key (any characters, any length)."""
    digest = hashlib.blake2b(url_key.encode("utf-8", "surrogateescape"), digest_size=16)
    return "pc:e:" + digest.hexdigest()


def _unreachable(exc: Exception) -> None:
    degraded("cache", f"shared cache unreachable ({exc.__class__.__name__}); "
             "pages are rendered by Django")  # fmt: skip


class CacheStore:
    """Entries in any Django cache backend (file, locmem, Redis, ...)."""

    def __init__(self, cache) -> None:
        self.cache = cache

    def entry(self, url_key: str) -> Entry | None:
        try:
            value = self._get(url_key)
        except Exception as exc:
            _unreachable(exc)
            return None
        return Entry(*value) if value else None

    def put_entry(self, url_key: str, entry: Entry) -> None:
        try:
            self._set(url_key, tuple(entry))
        except Exception as exc:
            _unreachable(exc)

    def _get(self, url_key: str):
        return self.cache.get(hashed(url_key))

    def _set(self, url_key: str, value: tuple) -> None:
        self.cache.set(hashed(url_key), value, timeout=ENTRY_TIMEOUT)


class RedisStore(CacheStore):
    """The same keys through the Redis client directly.

    Django's cache API builds a client object, validates the key character by
    character and pickles on every call; on the path of a local miss that is
    most of the cost, so the client is used as it is.
    """

    def __init__(self, cache) -> None:
        super().__init__(cache)
        self.client = cache._cache.get_client(write=True)

    def _get(self, url_key: str):
        value = self.client.get(self.cache.make_key(hashed(url_key)))
        return pickle.loads(value) if value else None  # noqa: S301 (our own writes)

    def _set(self, url_key: str, value: tuple) -> None:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self.client.set(self.cache.make_key(hashed(url_key)), data, ex=ENTRY_TIMEOUT)


def store() -> CacheStore:
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    return RedisStore(cache) if isinstance(cache, RedisCache) else CacheStore(cache)
