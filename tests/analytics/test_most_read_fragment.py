"""The Most Read fragment through the page cache: kept per process, fresh within a minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.conf import settings

from masthead.analytics.selectors import FRESH_WITHIN_SECONDS
from masthead.core.generation import generation_bump, generation_current
from masthead.pagecache.fragments import shared_seconds
from tests.analytics.counts import drain
from tests.content.factories import publish_story
from tests.pagecache.test_pagecache import call

from .test_most_read import read

START = datetime(2026, 3, 10, 12, 0, 10, tzinfo=UTC)


def header(response, name: str) -> str | None:
    return next((v for k, v in response.headers if k == name), None)


def test_the_fragment_is_fresh_within_a_minute_and_kept_meanwhile(app, section, monkeypatch):
    """The worst phase: the list is computed just before a new leader's reads are
    counted, and the fragment is kept just before that list expires."""
    from django.core.cache.backends.locmem import LocMemCache

    from masthead.analytics import selectors

    # The list's cache on the frozen clock (Redis expires keys on the real one).
    monkeypatch.setattr(selectors, "cache", LocMemCache("most-read-test", {}))
    with time_machine.travel(START, tick=False) as clock:
        old = publish_story(section, title="Old leader", published=START - timedelta(days=1))
        new = publish_story(section, title="New leader", published=START - timedelta(days=1))
        call(app, "/")  # starts the generation
        read(old, 3, at=START)
        drain()
        call(app, "/most-read/")  # the list is computed (and kept) now
        clock.shift(timedelta(seconds=1))
        counted_at = START + timedelta(seconds=1)
        read(new, 9, at=counted_at)
        drain()  # the flush: the new leader's reads are counted now
        clock.shift(timedelta(seconds=settings.MOST_READ_CACHE_SECONDS - 2))
        first = call(app, "/most-read/fragment/")  # kept with the list of a moment ago
        assert first.body.index(b"Old leader") < first.body.index(b"New leader")
        shown_after, kept_answers = None, 0
        for second in range(settings.MOST_READ_CACHE_SECONDS - 1, 2 * FRESH_WITHIN_SECONDS):
            clock.move_to(counted_at + timedelta(seconds=second))
            answer = call(app, "/most-read/fragment/")
            assert answer.status_code == 200
            kept_answers += header(answer, "Age") is not None
            if answer.body.index(b"New leader") < answer.body.index(b"Old leader"):
                shown_after = second
                break
        assert shown_after is not None and shown_after <= FRESH_WITHIN_SECONDS - 1
        assert kept_answers > 0  # the process's table answered meanwhile


def test_a_kept_fragment_says_its_age_and_never_replaces_the_generation(app, section):
    with time_machine.travel(START, tick=False) as clock:
        publish_story(section, title="A story")
        call(app, "/")
        generation = generation_current()
        call(app, "/most-read/fragment/")
        clock.shift(timedelta(seconds=7))
        kept = call(app, "/most-read/fragment/")
        assert header(kept, "Age") == "7"
        assert b"A story" in kept.body
        assert generation_current() == generation
        assert not any("fragment" in key for key in app.local.entries)  # not a page
        assert len(app.fragments.entries) == 1


def test_an_edit_drops_the_kept_fragment(app, section):
    """An unpublished story leaves with the pages (the list itself is fresh within a minute)."""
    with time_machine.travel(START, tick=False):
        publish_story(section, title="Before the edit")
        call(app, "/")
        call(app, "/most-read/fragment/")
        assert header(call(app, "/most-read/fragment/"), "Age") == "0"
        generation_bump()
        assert header(call(app, "/most-read/fragment/"), "Age") is None


def test_each_section_is_its_own_fragment_and_bad_queries_are_not_kept(app, section):
    with time_machine.travel(START, tick=False):
        publish_story(section, title="In a section")
        call(app, "/")
        for _ in range(2):
            assert call(app, f"/most-read/fragment/?section={section.pk}").status_code == 200
            assert call(app, "/most-read/fragment/?section=abc").status_code == 400
            assert call(app, "/most-read/fragment/?section=424242").status_code == 404
        assert sorted(app.fragments.entries) == [f"http:/most-read/fragment/?section={section.pk}"]


def test_signed_in_readers_and_other_hosts_get_djangos_answer(app, section, django_user_model):
    with time_machine.travel(START, tick=False):
        publish_story(section, title="A story")
        call(app, "/")
        call(app, "/most-read/fragment/")
        assert header(call(app, "/most-read/fragment/"), "Age") == "0"
        session = call(app, "/most-read/fragment/", cookies={"sessionid": "x"})
        assert header(session, "Age") is None
        other_host = call(app, "/most-read/fragment/", HTTP_HOST="alias.example.org")
        assert header(other_host, "Age") is None


def test_only_answers_that_allow_a_shared_cache_are_kept():
    ok = [("Cache-Control", "public, max-age=29, s-maxage=29")]
    assert shared_seconds("200 OK", ok) == 29
    assert shared_seconds("404 Not Found", ok) == 0
    assert shared_seconds("200 OK", [("Cache-Control", "public, max-age=29")]) == 0
    assert shared_seconds("200 OK", [("Cache-Control", "private, s-maxage=29")]) == 0
    assert shared_seconds("200 OK", [("Cache-Control", "public, no-store, s-maxage=9")]) == 0
    assert shared_seconds("200 OK", [*ok, ("Set-Cookie", "a=b")]) == 0
    assert shared_seconds("200 OK", [*ok, ("Vary", "Cookie")]) == 0
    assert shared_seconds("200 OK", [*ok, ("Vary", "Accept-Encoding")]) == 29
    assert shared_seconds("200 OK", [("Cache-Control", "public, s-maxage=86400")]) == 60
