"""The meter on cached stories: whole or walled decided in the fast path; the
walled copy is one shared copy (no CSRF token) whose form works from the site."""

from __future__ import annotations

import pytest

from masthead.core.models import SiteSettings
from masthead.metering.meter import METER_COOKIE
from tests.content.factories import publish_story
from tests.pagecache.test_pagecache import call

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


def test_the_cached_walled_copy_is_one_plain_shared_copy(app, two_stories):
    """No CSRF token, no CSRF cookie: every walled reader gets the same bytes,
    with an ETag, and a browser that has them gets a 304."""
    first, second = two_stories
    meter = _reader_over_the_allowance(app, first, second)
    page = call(app, second.url, cookies={METER_COOKIE: meter})
    assert "To keep reading, please enter your email address." in page.text
    assert "csrfmiddlewaretoken" not in page.text
    assert "csrftoken" not in page.cookies()
    again = call(app, second.url, cookies={METER_COOKIE: meter})
    assert again.body == page.body
    etag = page.header("ETag")
    assert etag
    cached = call(app, second.url, cookies={METER_COOKIE: meter}, HTTP_IF_NONE_MATCH=etag)
    assert cached.status_code == 304
    assert cached.body == b""
    assert cached.cookies() == again.cookies()  # what the meter says, as on a 200


def test_the_form_of_a_cached_wall_signs_up_from_the_same_origin(app, two_stories):
    first, second = two_stories
    meter = _reader_over_the_allowance(app, first, second)
    call(app, second.url, cookies={METER_COOKIE: meter})
    body = f"email=reader%40example.org&agree=on&story={second.pk}"
    answer = call(
        app,
        "/wall/",
        method="POST",
        cookies={METER_COOKIE: meter},
        data=body,
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT="application/json",
        HTTP_SEC_FETCH_SITE="same-origin",
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


def test_a_cached_walled_copy_is_private_to_the_reader(app, two_stories):
    """No shared cache between the site and the reader may keep one reader's
    walled (or whole) copy for another."""
    first, second = two_stories
    meter = _reader_over_the_allowance(app, first, second)
    walled = call(app, second.url, cookies={METER_COOKIE: meter})
    assert WALL_TEXT in walled.text
    assert walled.header("Cache-Control") == "private, no-cache"
    assert [v for k, v in walled.headers if k.lower() == "vary"] == ["Cookie"]


@pytest.mark.parametrize("cookie", ["1.a.é", "1.7:6b0e.\u00ff" * 2, "1.7:6b0e.AAAA\u00e9AAAA"])
def test_a_meter_cookie_with_a_non_ascii_signature_is_a_new_reader_not_an_error(
    app, two_stories, cookie
):
    """Header bytes reach WSGI as latin-1 characters; a signature of them was
    once compared with ``compare_digest``, which raises on non-ASCII text: a
    500 for anyone who sent one. It is a foreign meter: the reader starts
    afresh, from the cache and through Django alike."""
    first, _ = two_stories
    call(app, "/")
    call(app, first.url)  # stores the whole copy
    for _ in range(2):  # from the cache, then again
        answer = call(app, first.url, cookies={METER_COOKIE: cookie})
        assert answer.status_code == 200
        assert "Paragraph 7 of the story." in answer.text
        assert answer.cookies()[METER_COOKIE].startswith(f"1.{first.pk:x}:")


@pytest.mark.parametrize("suffix", ["%23whole", "%23walled", "%23", "%3F", "%3Fpage=2"])
def test_a_percent_encoded_hash_or_question_mark_names_no_stored_copy(app, two_stories, suffix):
    """``%23whole`` arrives as ``#whole`` in PATH_INFO: were the path a key as it
    stands, it would name the story's stored whole copy, its text past the
    meter for anyone with the link. Such paths go to Django, which knows no
    such page."""
    first, second = two_stories
    meter = _reader_over_the_allowance(app, first, second)
    call(app, first.url)  # a new reader: the first story's whole copy is stored
    assert (
        "Paragraph 7 of the story." not in call(app, second.url, cookies={METER_COOKIE: meter}).text
    )
    for story in (first, second):
        for cookies in ({METER_COOKIE: meter}, None):
            answer = call(app, story.url + suffix, cookies=cookies)
            assert answer.status_code == 404, (story.url + suffix, answer.status_code)
            assert "Paragraph 7 of the story." not in answer.text


def test_with_the_database_away_a_cached_story_still_meters_from_the_last_settings(
    app, two_stories, monkeypatch, caplog
):
    """The meter's policy comes from the site settings row, read again every
    ``KEEP_SECONDS``: a failed read must not turn every metered hit into a
    500. The last copy serves, the failure is logged, and the next try waits
    an interval (a hit never waits on a dead server twice)."""
    from django.db import OperationalError
    from wagtail.contrib.settings.models import BaseGenericSetting

    from masthead.core import models as core_models

    first, second = two_stories
    meter = _reader_over_the_allowance(app, first, second)
    tries = []

    def unreachable(cls):
        tries.append(cls)
        raise OperationalError("connection refused")

    later = core_models._clock() + 3600  # the process's copy is past its time
    monkeypatch.setattr(core_models, "_clock", lambda: later)
    monkeypatch.setattr(BaseGenericSetting, "_get_or_create", classmethod(unreachable))
    walled = call(app, second.url, cookies={METER_COOKIE: meter})
    new_reader = call(app, second.url)
    assert (walled.status_code, new_reader.status_code) == (200, 200)
    assert WALL_TEXT in walled.text and "Paragraph 7 of the story." not in walled.text
    assert "Paragraph 7 of the story." in new_reader.text  # allowance 1, as last read
    assert METER_COOKIE in new_reader.cookies()
    assert len(tries) == 1
    assert "database is unreachable" in caplog.text
