"""The content generation: one token every process shares, replaced whenever
something a reader could see changes.

Three things are kept per generation rather than re-read per request: the
pages the page cache stores (``masthead.pagecache``), the site-settings copy
(``core.models.SiteSettings``) and, through the settings, the meter policy
(``metering.meter.meter_policy``). A change bumps the token after its
transaction commits; every process then drops what it kept.

The token lives in the shared cache (Redis in production, a file cache on one
machine) and is held in each process's memory, so reading it costs no network
round trip (decision 0007):

- a daemon thread per process re-reads the shared token every
  ``GENERATION_POLL_SECONDS`` (default 0.05 s): another process's change is
  seen within that interval plus one GET (the bound the README states and
  ``tests/pagecache/test_staleness.py`` measures);
- the process that makes a change sets its own copy at once, under an epoch
  counter, so a poll that started before the change cannot roll it back;
- if the poller has not succeeded for ``STALE_AFTER_POLLS`` intervals (the
  cache is unreachable, or the thread is starved), readers get ``None`` and
  everything falls back to the database and Django, with a warning in the
  log once per minute; when the cache comes back the token is replaced, since
  a change made meanwhile could not be announced.

With ``GENERATION_POLL_SECONDS = 0`` there is no thread and every call reads
the shared record (one GET), which is what tests of other apps use.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from .degraded import degraded, recovered

STATE_KEY = "generation"
STALE_AFTER_POLLS = 20  # with the default 50 ms: a second without a successful read
logger = logging.getLogger(__name__)


def new_token() -> str:
    return secrets.token_hex(8)


class _Record:
    """The shared record through the fastest client the cache offers."""

    def __init__(self) -> None:
        from django.core.cache.backends.redis import RedisCache

        self.cache = caches["default"]
        self.client = None
        if isinstance(self.cache, RedisCache):
            self.client = self.cache._cache.get_client(write=True)
            self.key = self.cache.make_key(STATE_KEY)

    def read(self) -> str | None:
        raw = self.client.get(self.key) if self.client is not None else self.cache.get(STATE_KEY)
        if isinstance(raw, bytes):
            raw = raw.decode("ascii", "replace")
        return raw if raw and len(raw) == 16 and raw.isalnum() else None

    def write(self, token: str, *, only_if_absent: bool = False) -> None:
        if self.client is not None:
            self.client.set(self.key, token, nx=only_if_absent)
        elif only_if_absent:
            self.cache.add(STATE_KEY, token, timeout=None)
        else:
            self.cache.set(STATE_KEY, token, timeout=None)


class GenerationWatch:
    """This process's copy of the shared token (one per process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: str | None = None
        self._fresh_until = 0.0
        self._epoch = 0
        self._pid: int | None = None
        self._down = False
        self._stop = threading.Event()
        self._periodic: dict[str, tuple[float, Callable[[], None]]] = {}
        self.poll_seconds: float | None = None  # None: from settings at first use
        self.polls = 0

    # -- reading ---------------------------------------------------------------

    def current(self) -> str | None:
        """The current token, or None when there is none or it cannot be trusted."""
        if self._pid != os.getpid():
            self._start()
        if self._fresh_until > time.monotonic():
            return self._value
        if self.poll_seconds:
            if self._down:
                return None  # the poller says the cache is away: Django, no waiting
            if self._fresh_until:  # it had read before: late (starved, or stuck on a socket)
                degraded("generation", "the generation poller is late; reading the shared record")
        return self._read_direct()

    def _read_direct(self) -> str | None:
        try:
            return _Record().read()
        except Exception as exc:  # an optimisation must not take the site down
            degraded("cache", f"shared cache unreachable ({exc.__class__.__name__}); "
                     "pages are rendered by Django")  # fmt: skip
            return None

    # -- writing -----------------------------------------------------------------

    def set_local(self, token: str | None) -> None:
        """Adopt ``token`` now; a poll already under way cannot undo it."""
        with self._lock:
            self._epoch += 1
            self._value = token
            interval = self.poll_seconds or 0
            self._fresh_until = time.monotonic() + interval * STALE_AFTER_POLLS if token else 0.0

    def forget(self) -> None:
        """Drop this process's copy (tests, after emptying the cache)."""
        self.set_local(None)

    # -- the poller ----------------------------------------------------------------

    def every(self, name: str, seconds: float, callback: Callable[[], None]) -> None:
        """Run ``callback`` from the poller about every ``seconds`` (page-cache statistics);
        a later callback under the same ``name`` replaces the earlier one."""
        self._periodic[name] = (seconds, callback)

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()  # after a fork: a fresh copy and a thread of our own
            self._value, self._fresh_until, self._down = None, 0.0, False
            if self.poll_seconds is None:
                self.poll_seconds = float(getattr(settings, "GENERATION_POLL_SECONDS", 0.05))
            if not self.poll_seconds:
                return
            self._stop = threading.Event()
            thread = threading.Thread(target=self._run, name="generation-poller", daemon=True)
            thread.start()

    def _run(self) -> None:
        record = None
        last_run: dict[str, float] = {}
        stop = self._stop
        while not stop.is_set():
            epoch = self._epoch
            try:
                record = record or _Record()
                token = record.read()
                if self._down and token is not None:
                    token = self._after_outage(record)
            except Exception as exc:
                self._down = True
                record = None
                degraded("cache", f"shared cache unreachable ({exc.__class__.__name__}); "
                         "pages are rendered by Django until it is back")  # fmt: skip
            else:
                if not stop.is_set():  # a stopped poller's late read is not applied
                    self._apply(epoch, token)
            self.polls += 1
            self._tick(last_run)
            stop.wait(self.poll_seconds)

    def _apply(self, epoch: int, token: str | None) -> None:
        with self._lock:
            if self._epoch == epoch:  # no local change since the read began
                self._value = token
                self._fresh_until = time.monotonic() + self.poll_seconds * STALE_AFTER_POLLS
            if self._down:
                self._down = False
                recovered("cache", "shared cache reachable again; pages are cached again")

    def _after_outage(self, record: _Record) -> str:
        """A new token: changes made while the cache was away were never announced."""
        token = new_token()
        record.write(token)
        return token

    def _tick(self, last_run: dict[str, float]) -> None:
        now = time.monotonic()
        for name, (seconds, callback) in list(self._periodic.items()):
            if now - last_run.get(name, 0.0) >= seconds:
                last_run[name] = now
                try:
                    callback()
                except Exception:
                    logger.debug("periodic generation callback failed", exc_info=True)

    def stop(self) -> None:
        """Stop the poller (tests); the next ``current()`` starts a new one."""
        self._stop.set()
        with self._lock:
            self._pid = None


watch = GenerationWatch()


def generation_current() -> str | None:
    """The current generation, from this process's memory; None when unknown.

    Started here if the shared cache holds none yet (a fresh or flushed cache)
    and no transaction is open (a caller inside one could be reading rows that
    never commit).
    """
    token = watch.current()
    if token is None and not watch._down and not transaction.get_connection().in_atomic_block:
        token = generation_start()
    return token


def generation_start() -> str | None:
    """Put a token in an empty shared record (never replacing one); the token now current."""
    try:
        record = _Record()
        record.write(new_token(), only_if_absent=True)
        token = record.read()
    except Exception as exc:
        degraded("cache", f"shared cache unreachable ({exc.__class__.__name__})")
        return None
    watch.set_local(token)
    return token


def generation_bump() -> str:
    """Replace the generation now, in the shared record and this process."""
    token = new_token()
    try:
        _Record().write(token)
    except Exception as exc:
        # Other processes cannot hear of it; the poller replaces the token once
        # the cache is back, so nothing kept from before is served then.
        degraded("cache", f"could not announce a content change ({exc.__class__.__name__})")
    watch.set_local(token)
    return token


def generation_bump_on_commit() -> None:
    """Replace the generation once the current transaction commits.

    Not before: a reader rendering between the bump and the commit would see
    the old rows and keep them under the new generation.
    """
    transaction.on_commit(generation_bump)
