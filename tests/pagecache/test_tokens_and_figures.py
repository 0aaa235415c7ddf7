"""The page cache's own CSRF draws, the figures each process publishes, and
the cache outage it reports (found by mutation testing, ``python -m
tests.mutation pagecache``)."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.test import override_settings
from django.utils import timezone

from masthead.core.degraded import degraded_forget, recovered
from masthead.pagecache import local, store
from masthead.pagecache.csrf import csrf_mask, csrf_random_string, placeholder_tokens

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_every_character_of_a_drawn_secret_is_equally_likely_at_every_place():
    """16,000 characters from 500 secrets: each of the 62 appears about 258
    times (a standard deviation of 16), and no place in the secret is stuck."""
    drawn = [csrf_random_string() for _ in range(500)]
    counts = Counter("".join(drawn))
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    assert all(170 < count < 350 for count in counts.values()), counts.most_common(3)
    for place in range(32):
        assert len({secret[place] for secret in drawn}) > 40  # of 62


def test_masks_are_as_uniform_as_secrets():
    masks = [csrf_mask("a" * 32)[:32] for _ in range(500)]
    counts = Counter("".join(masks))
    assert all(170 < count < 350 for count in counts.values()), counts.most_common(3)


def test_a_body_without_the_readers_token_is_left_whole_and_says_so():
    body = b"<p>No form here, only a 64-letter word: " + b"x" * 64 + b"</p>"
    assert placeholder_tokens(body, "b" * 32) == (body, False)
    assert placeholder_tokens(body, "b" * 32)[1] is False


@override_settings(CACHES=LOCMEM)
def test_a_process_that_stops_publishing_drops_out_of_the_figures_after_a_minute():
    table = local.LocalTable()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        local.stats_publish(table)
        clock.move_to(start + timedelta(seconds=local.STATS_TIMEOUT - 1))
        assert [figures.pid for figures in local.stats_collect()] == [table.stats().pid]
        clock.move_to(start + timedelta(seconds=local.STATS_TIMEOUT + 1))
        assert local.stats_collect() == []


@override_settings(CACHES=LOCMEM)
def test_the_figures_list_the_last_64_processes_that_published(monkeypatch):
    table = local.LocalTable()
    for pid in range(1000, 1070):
        monkeypatch.setattr(local.os, "getpid", lambda pid=pid: pid)
        local.stats_publish(table)
    index = caches["default"].get(f"{local.STATS_KEY_PREFIX}pids")
    assert index == list(range(1006, 1070))
    assert [figures.pid for figures in local.stats_collect()] == list(range(1006, 1070))


@pytest.fixture
def fresh_warnings():
    degraded_forget()
    yield
    degraded_forget()


def test_the_page_stores_outage_is_the_caches_and_ends_with_its_recovery(fresh_warnings, caplog):
    """The generation's watcher says when the cache is back (``recovered("cache")``);
    that must close the outage the page store reported, or the log would never
    say the pages are cached again."""
    with caplog.at_level(logging.WARNING, logger="masthead.degraded"):
        store._unreachable(ConnectionError("refused"))
        recovered("cache", "shared cache reachable again; pages are cached again")
    lines = [record.getMessage() for record in caplog.records]
    assert lines == [
        "degraded: shared cache unreachable (ConnectionError); pages are rendered by Django",
        "recovered: shared cache reachable again; pages are cached again",
    ]


@override_settings(CACHES=LOCMEM)
def test_the_list_of_processes_outlives_any_cache_default_timeout(monkeypatch):
    """Processes publish every few seconds for days; the list of who publishes
    is written once per process and must not expire while they still do."""
    table = local.LocalTable()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for moment in (0, 150, 299):
            clock.move_to(start + timedelta(seconds=moment))
            for pid in (2001, 2002):
                monkeypatch.setattr(local.os, "getpid", lambda pid=pid: pid)
                local.stats_publish(table)
        clock.move_to(start + timedelta(seconds=301))  # Django's default timeout is 300
        assert [figures.pid for figures in local.stats_collect()] == [2001, 2002]
