"""What one reader was given never reaches another through the page cache
(issue 9, item 17): a response setting a session or messages cookie is not
stored, and a reader re-reading a story already in their meter gets the whole
story even when the cache holds another reader's walled copy."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.core.models import SiteSettings
from masthead.metering.meter import METER_COOKIE, Meter, meter_dump
from tests.content.factories import publish_story
from tests.pagecache.test_pagecache import call

PARAGRAPHS = [f"Paragraph {n} of the story." for n in range(1, 8)]
WALL = "To keep reading, please enter your email address."


@pytest.fixture
def per_reader_middleware(settings):
    """Before ``app``: the WSGI handler reads MIDDLEWARE when it is built."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.pagecache.per_reader.per_reader_cookies"]


@pytest.fixture
def story(section):
    SiteSettings.objects.update_or_create(defaults={"meter_allowance": 1000})
    return publish_story(section, title="Harbour reopens", paragraphs=PARAGRAPHS)


def _served_by_django(app, path: str, **kwargs) -> tuple[bool, object]:
    with CaptureQueriesContext(connection) as queries:
        response = call(app, path, **kwargs)
    return len(queries) > 0, response


@pytest.mark.parametrize(
    ("header", "cookie"),
    [("HTTP_X_TEST_WRITES_SESSION", "sessionid"), ("HTTP_X_TEST_ADDS_MESSAGE", "messages")],
)
def test_a_page_that_sets_a_per_reader_cookie_is_not_stored(
    per_reader_middleware, app, story, header, cookie
):
    # The section page: a story page shows (and so uses up) a flash message itself.
    page = story.get_parent().url
    call(app, "/")  # starts a generation, so the next render could be stored
    first = call(app, page, **{header: "1"})
    assert first.status_code == 200
    assert cookie in first.cookies()
    by_django, second = _served_by_django(app, page)
    assert by_django  # nothing was stored from the first reader's answer
    assert cookie not in second.cookies()
    # and the next plain answer is stored and served as usual
    by_django, third = _served_by_django(app, page)
    assert not by_django
    assert third.body == second.body


@pytest.fixture
def two_stories(section):
    SiteSettings.objects.update_or_create(defaults={"meter_allowance": 1})
    first = publish_story(section, title="First story", paragraphs=PARAGRAPHS)
    second = publish_story(section, title="Second story", paragraphs=PARAGRAPHS)
    return first, second


def test_rereading_a_story_in_the_meter_is_whole_though_the_cache_holds_a_walled_copy(
    app, two_stories
):
    first, second = two_stories
    call(app, "/")
    # Reader A reads the first story, and is walled on the second: its walled copy is stored.
    a_meter = call(app, first.url).cookies()[METER_COOKIE]
    walled = call(app, second.url, cookies={METER_COOKIE: a_meter})
    assert WALL in walled.text
    assert WALL in call(app, second.url, cookies={METER_COOKIE: a_meter}).text  # a hit
    # Reader B's one free story is the second; the first is walled for B.
    b_meter = call(app, second.url).cookies()[METER_COOKIE]
    assert WALL in call(app, first.url, cookies={METER_COOKIE: b_meter}).text
    # B comes back to the second story, already in B's meter: whole, twice (miss, then hit).
    for _ in range(2):
        again = call(app, second.url, cookies={METER_COOKIE: b_meter})
        assert again.status_code == 200
        assert WALL not in again.text
        assert "Paragraph 7 of the story." in again.text
    # And A, over the allowance, is still walled there.
    assert WALL in call(app, second.url, cookies={METER_COOKIE: a_meter}).text


def test_rereading_when_only_another_readers_walled_copy_is_cached(app, two_stories):
    """B's whole copy was never stored: the lookup must go to Django for it,
    not fall back to the walled copy that is there."""
    first, second = two_stories
    call(app, "/")
    a_meter = call(app, first.url).cookies()[METER_COOKIE]
    assert WALL in call(app, second.url, cookies={METER_COOKIE: a_meter}).text  # stored
    # B read the second story on another server an hour ago, and the first just now.
    now = int(time.time())
    b_meter = meter_dump(Meter(reads={second.pk: now - 3600, first.pk: now - 60}))
    for hit in (False, True):  # the miss that renders B's copy, then a hit
        by_django, again = _served_by_django(app, second.url, cookies={METER_COOKIE: b_meter})
        assert by_django is not hit
        assert again.status_code == 200
        assert WALL not in again.text
        assert "Paragraph 7 of the story." in again.text
        assert METER_COOKIE not in again.cookies()  # a re-read counts nothing


def test_a_page_nobody_marked_for_sharing_is_rendered_for_each_reader(db):
    """A per-reader page (Your Three, say) says nothing to the page cache: each
    reader gets their own render, never the one made for the reader before."""
    from django.core.cache import cache
    from django.http import HttpResponse

    from masthead.pagecache.app import PageCacheApp

    def reader_page(environ, start_response):
        response = HttpResponse(f"<p>Picked for {environ['HTTP_COOKIE']}</p>")
        start_response("200 OK", list(response.items()))
        return response

    cache.clear()
    app = PageCacheApp(reader_page)
    for reader in ("ann", "bob", "cat", "dan"):  # the first starts a generation
        page = call(app, "/your-list/", cookies={METER_COOKIE: reader})
        assert page.text == f"<p>Picked for {METER_COOKIE}={reader}</p>"
