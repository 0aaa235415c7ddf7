"""Django's Redis cache, keeping one client per connection pool.

Django's backend builds a new ``redis.Redis`` object for every cache call, and
building one fills a table of ~170 response callbacks: measured here, that was
a third of the CPU of a rate-limit check. The client is thread-safe (it takes
a connection from the pool per command), so one per pool is enough; Django
already gives each thread its own cache object.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


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


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ReusingClient
