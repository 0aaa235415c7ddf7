"""Django's Redis cache, keeping one client per connection pool, failing open.

Django's backend builds a new ``redis.Redis`` object for every cache call, and
building one fills a table of ~170 response callbacks: measured here, that was
a third of the CPU of a rate-limit check. The client is thread-safe (it takes
a connection from the pool per command), so one per pool is enough; Django
already gives each thread its own cache object.

Failing open: the cache only ever makes things faster (sessions live in the
database), so when Redis cannot be reached a read answers "not cached" and a
write is dropped, and the log says once per interval that the site runs
without it (``core.degraded``). Without this every page that touches the
cache (the site-settings copy, allauth's rate limits, ...) answered 500
while Redis was away.
"""

from __future__ import annotations

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .degraded import degraded

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write: bool = False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


def _unreachable(exc: Exception) -> None:
    degraded("cache", f"Redis unreachable ({exc.__class__.__name__}: {exc}); "
             "serving without the shared cache")  # fmt: skip


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ReusingClient

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE as exc:
            _unreachable(exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as exc:
            _unreachable(exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE as exc:
            _unreachable(exc)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE as exc:
            _unreachable(exc)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as exc:
            _unreachable(exc)
            return list(data)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """False when Redis is away: nothing was added (callers treat it as taken)."""
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as exc:
            _unreachable(exc)
            return False

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as exc:
            _unreachable(exc)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNREACHABLE as exc:
            _unreachable(exc)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except UNREACHABLE as exc:
            _unreachable(exc)
