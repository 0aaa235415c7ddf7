"""The meter on cached stories: whole or walled decided in the fast path, and the
walled copy's form works with the CSRF cookie the fast path hands out."""

from __future__ import annotations

import re

import pytest
from django.middleware.csrf import _unmask_cipher_token

from masthead.core.models import SiteSettings
from masthead.metering.meter import METER_COOKIE
from tests.content.factories import publish_story
from tests.pagecache.test_pagecache import call

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WALL_TEXT = "To keep reading, please enter your email address."


@pytest.fixture
def two_stories(section):
    SiteSettings.objects.update_or_create(defaults={"meter_allowance": 1})
    paragraphs = [f"Paragraph {n} of the story." for n in range(1, 8)]
    first = publish_story(section, title="First story", paragraphs=paragraphs)
    second = publish_story(section, title="Second story", paragraphs=paragraphs)
    return first, second


def _reader_over_the_allowance(app, first, second) -> str:
    """Read ``first`` (the one free story), then render and store the walled
    copy of ``second``; return the reader's meter cookie."""
    call(app, "/")  # starts a generation
    meter = call(app, first.url).cookies()[METER_COOKIE]
    call(app, second.url, cookies={METER_COOKIE: meter})
    return meter


def test_second_story_is_walled_from_the_cache_without_queries(
    app, two_stories, django_assert_num_queries
):
    first, second = two_stories
    meter = _reader_over_the_allowance(app, first, second)
    with django_assert_num_queries(0):
        walled = call(app, second.url, cookies={METER_COOKIE: meter})
    assert walled.status_code == 200
    assert "To keep reading, please enter your email address." in walled.text
    assert "Paragraph 3 of the story." in walled.text
    assert "Paragraph 7 of the story." not in walled.text
    whole = call(app, first.url, cookies={METER_COOKIE: meter})  # a repeat read stays whole
    assert "Paragraph 7 of the story." in whole.text


def _cached_wall_for_a_new_reader(app, two_stories):
    """(the walled story, the reader's meter cookie, the CSRF secret the cached
    answer set, the form token in its page)."""
    first, second = two_stories
    meter = _reader_over_the_allowance(app, first, second)
    page = call(app, second.url, cookies={METER_COOKIE: meter})
    return second, meter, page.cookies()["csrftoken"], TOKEN.search(page.text)[1]


def test_cached_walled_form_carries_this_readers_token(app, two_stories):
    second, meter, secret, token = _cached_wall_for_a_new_reader(app, two_stories)
    assert _unmask_cipher_token(token) == secret
    again = call(app, second.url, cookies={METER_COOKIE: meter, "csrftoken": secret})
    assert "csrftoken" not in again.cookies()  # a known reader keeps their secret
    other = TOKEN.search(again.text)[1]
    assert other != token and _unmask_cipher_token(other) == secret  # masked afresh


def test_the_token_from_a_cached_wall_passes_the_csrf_check(app, two_stories):
    second, meter, secret, token = _cached_wall_for_a_new_reader(app, two_stories)
    body = f"csrfmiddlewaretoken={token}&email=reader%40example.org&agree=on&story={second.pk}"
    answer = call(
        app,
        "/wall/",
        method="POST",
        cookies={METER_COOKIE: meter, "csrftoken": secret},
        data=body,
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT="application/json",
    )
    assert answer.status_code == 200, answer.text[:300]
    assert "Thank you." in answer.text


def _meter_cookie_attributes(response) -> set[str]:
    """The meter cookie's attributes as the browser gets them (value and expiry aside)."""
    header = next(
        value
        for name, value in response.headers
        if name.lower() == "set-cookie" and value.strip().startswith(METER_COOKIE + "=")
    )
    parts = [part.strip() for part in header.split(";")][1:]
    return {part for part in parts if not part.lower().startswith("expires=")}


@pytest.mark.parametrize("https", [False, True], ids=["http", "https"])
def test_a_cached_story_counts_a_new_reader_with_the_same_cookie_as_django(
    app, two_stories, django_assert_num_queries, settings, https
):
    """A new reader served from the cache gets the meter cookie Django would
    set (HttpOnly, SameSite=Lax, Secure on HTTPS, the period as Max-Age), and
    it counts the story: their next story is walled."""
    settings.SESSION_COOKIE_SECURE = https
    first, second = two_stories
    call(app, "/")  # starts a generation
    rendered = call(app, first.url)  # rendered by Django, and stored
    with django_assert_num_queries(0):
        hit = call(app, first.url)  # another new reader, from the cache
    assert "Paragraph 7 of the story." in hit.text
    assert _meter_cookie_attributes(hit) == _meter_cookie_attributes(rendered)
    assert ("Secure" in _meter_cookie_attributes(hit)) is https
    walled = call(app, second.url, cookies={METER_COOKIE: hit.cookies()[METER_COOKIE]})
    assert "To keep reading, please enter your email address." in walled.text
    assert "Paragraph 7 of the story." not in walled.text


def test_a_cached_wall_states_one_true_content_length(app, two_stories):
    """The body changes length with the reader's token, so the stored length is
    replaced, once, and the other stored headers stay."""
    second, meter, secret, _ = _cached_wall_for_a_new_reader(app, two_stories)
    page = call(app, second.url, cookies={METER_COOKIE: meter, "csrftoken": secret})
    lengths = [v for k, v in page.headers if k.lower() == "content-length"]
    assert lengths == [str(len(page.body))]
    assert page.header("Content-Type").startswith("text/html")


@pytest.mark.parametrize(
    "forged", ["!" * 32, "a" * 31, "a" * 33], ids=["wrong-letters", "short", "long"]
)
def test_a_forged_csrf_cookie_gets_a_fresh_secret_on_a_cached_wall(app, two_stories, forged):
    second, meter, _, _ = _cached_wall_for_a_new_reader(app, two_stories)
    page = call(app, second.url, cookies={METER_COOKIE: meter, "csrftoken": forged})
    fresh = page.cookies()["csrftoken"]
    assert fresh != forged and len(fresh) == 32
    assert _unmask_cipher_token(TOKEN.search(page.text)[1]) == fresh


def test_a_cached_walled_copy_is_private_to_the_reader(app, two_stories):
    """No shared cache between the site and the reader may keep one reader's
    walled (or whole) copy for another."""
    first, second = two_stories
    meter = _reader_over_the_allowance(app, first, second)
    walled = call(app, second.url, cookies={METER_COOKIE: meter})
    assert WALL_TEXT in walled.text
    assert walled.header("Cache-Control") == "private, no-cache"
    assert [v for k, v in walled.headers if k.lower() == "vary"] == ["Cookie"]
