"""Views are counted: by Django and on cached hits, once per reload window, never for bots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from masthead.analytics.models import STORY, ReaderView
from masthead.analytics.readers import is_bot
from masthead.analytics.selectors import top_ids
from tests.analytics.counts import BROWSER_UA, drain
from tests.content.factories import publish_story

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def reads(story) -> int:
    return dict(top_ids(STORY, hours=24, limit=50)).get(story.pk, 0)


def test_a_story_view_through_django_is_counted(client, section):
    story = publish_story(section, title="Counted")
    client.get(story.url, HTTP_USER_AGENT=BROWSER_UA)
    drain()
    assert reads(story) == 1


def test_a_reload_within_thirty_minutes_counts_once_and_after_it_again(client, section):
    story = publish_story(section, title="Reloaded")
    with time_machine.travel(NOON, tick=False) as clock:
        client.get(story.url, HTTP_USER_AGENT=BROWSER_UA)
        clock.shift(timedelta(minutes=29, seconds=59))
        client.get(story.url, HTTP_USER_AGENT=BROWSER_UA)
        drain()
        assert ReaderView.objects.filter(object_id=story.pk).count() == 1
        clock.shift(timedelta(minutes=1))
        client.get(story.url, HTTP_USER_AGENT=BROWSER_UA)
        drain()
        assert ReaderView.objects.filter(object_id=story.pk).count() == 2


def test_two_readers_are_two_reads(client, section, django_user_model):
    story = publish_story(section, title="Shared")
    client.get(story.url, HTTP_USER_AGENT=BROWSER_UA)
    other = django_user_model.objects.create_user("r2", "r2@example.org", "pw-long-enough-1")
    client.cookies.clear()
    client.force_login(other)
    client.get(story.url, HTTP_USER_AGENT=BROWSER_UA)
    drain()
    assert reads(story) == 2
    assert ReaderView.objects.filter(reader=f"u{other.pk}").count() == 1


def test_crawlers_and_scripts_are_not_counted(client, section):
    story = publish_story(section, title="Crawled")
    for agent in (
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "python-requests/2.32.3",
        "curl/8.5.0",
        "",
    ):
        client.cookies.clear()
        client.get(story.url, HTTP_USER_AGENT=agent)
    drain()
    assert reads(story) == 0
    assert not is_bot(BROWSER_UA)


def test_views_served_from_the_page_cache_are_counted_without_queries(
    app, section, django_assert_num_queries
):
    from masthead.core.models import SiteSettings
    from masthead.metering.meter import METER_COOKIE
    from tests.pagecache.test_pagecache import call

    SiteSettings.objects.update_or_create(defaults={"meter_allowance": 1000})
    story = publish_story(section, title="Cached")
    # On a frozen clock: on a busy machine the two calls could fall in two seconds.
    with time_machine.travel(datetime.now(UTC).replace(microsecond=200_000), tick=False):
        call(app, story.url, HTTP_USER_AGENT=BROWSER_UA)  # starts a generation
        call(app, story.url, HTTP_USER_AGENT=BROWSER_UA)  # renders and stores
        drain()
    assert reads(story) == 1  # the same reader twice within a second: once
    readers = [f"1.{n:x}:{1_700_000_000 + n:x}.mac" for n in range(3)]
    with django_assert_num_queries(0):
        for meter in readers:  # three other readers, served from the cache
            hit = call(app, story.url, cookies={METER_COOKIE: meter}, HTTP_USER_AGENT=BROWSER_UA)
            assert hit.status_code == 200
    drain()
    assert reads(story) == 4
