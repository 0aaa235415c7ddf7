"""Each process's own table of stored pages: bounded, counted, visible.

A hit is answered from here without touching the shared cache. The table is
bounded in entries and in bytes (the oldest entries go first when either
bound is reached), and it counts hits and misses so the hit rate and size can
be seen (``masthead manage pagecache_stats``, which reads what each process
publishes every few seconds to the shared cache).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import asdict, dataclass

from django.conf import settings

from .store import Entry

STATS_KEY_PREFIX = "pc:stats:"
STATS_EVERY = 5.0  # seconds between two publications of a process's figures
STATS_TIMEOUT = 60  # a process that stopped publishing drops out after this


@dataclass
class TableStats:
    pid: int
    entries: int
    bytes: int
    max_entries: int
    max_bytes: int
    hits: int
    misses: int
    evictions: int
    published_at: float

    @property
    def hit_rate(self) -> float | None:
        total = self.hits + self.misses
        return self.hits / total if total else None


class LocalTable:
    """``key -> Entry`` with limits on entries and bytes, oldest out first."""

    def __init__(self, *, max_entries: int | None = None, max_bytes: int | None = None) -> None:
        # The defaults are in settings/base.py (1,000 entries, 32 MB), with the rest.
        self.max_entries = max_entries or settings.PAGECACHE_LOCAL_ENTRIES
        self.max_bytes = max_bytes or settings.PAGECACHE_LOCAL_BYTES
        self.entries: dict[str, Entry] = {}  # insertion order is age
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self.evictions = 0
        # Fills only (a hit's ``get`` is one dict lookup, safe as it is): with
        # several threads a worker (``serve --threads``), two evictions at once
        # could pop the same oldest entry or count its bytes twice, and a
        # drifting byte count no longer bounds the table.
        self._filling = threading.Lock()

    def get(self, key: str) -> Entry | None:
        return self.entries.get(key)

    def put(self, key: str, entry: Entry) -> None:
        size = _size(key, entry)
        if size > self.max_bytes:
            return
        with self._filling:
            old = self.entries.pop(key, None)
            if old is not None:
                self.bytes -= _size(key, old)
            while self.entries and (
                len(self.entries) >= self.max_entries or self.bytes + size > self.max_bytes
            ):
                oldest = next(iter(self.entries))
                self.bytes -= _size(oldest, self.entries.pop(oldest))
                self.evictions += 1
            self.entries[key] = entry
            self.bytes += size

    def __len__(self) -> int:
        return len(self.entries)

    def stats(self) -> TableStats:
        return TableStats(
            pid=os.getpid(), entries=len(self.entries), bytes=self.bytes,
            max_entries=self.max_entries, max_bytes=self.max_bytes, hits=self.hits,
            misses=self.misses, evictions=self.evictions, published_at=time.time(),
        )  # fmt: skip


def _size(key: str, entry: Entry) -> int:
    headers = sum(len(name) + len(value) for name, value in entry.headers)
    return len(key) + len(entry.body) + headers + 200  # the tuple and its fields


def stats_publish(table: LocalTable) -> None:
    """Put this process's figures in the shared cache for ``pagecache_stats``."""
    from django.core.cache import caches

    figures = table.stats()
    caches["default"].set(f"{STATS_KEY_PREFIX}{figures.pid}", asdict(figures), STATS_TIMEOUT)
    index = caches["default"].get(f"{STATS_KEY_PREFIX}pids") or []
    if figures.pid not in index:
        caches["default"].set(f"{STATS_KEY_PREFIX}pids", [*index[-63:], figures.pid], None)


def stats_collect() -> list[TableStats]:
    """The figures every live process published lately."""
    from django.core.cache import caches

    cache = caches["default"]
    found = []
    for pid in cache.get(f"{STATS_KEY_PREFIX}pids") or []:
        data = cache.get(f"{STATS_KEY_PREFIX}{pid}")
        if data:
            found.append(TableStats(**data))
    return found
