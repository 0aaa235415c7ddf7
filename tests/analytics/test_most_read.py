"""Most Read: the window, per section, the fallback, and its fragment endpoints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from masthead.analytics.ingest import view_record
from masthead.analytics.models import STORY
from masthead.analytics.selectors import most_read
from tests.analytics.counts import BROWSER_UA, drain
from tests.content.factories import SectionPageFactory, publish_story

NOON = datetime(2026, 3, 10, 12, 30, tzinfo=UTC)


def read(story, readers: int, *, at: datetime) -> None:
    for n in range(readers):
        view_record(
            reader=f"r{story.pk}-{n}-{at.timestamp()}", kind=STORY, object_id=story.pk,
            user_agent=BROWSER_UA, now=at.timestamp(),
        )  # fmt: skip


def titles(items) -> list[str]:
    return [item.title for item in items]


def test_most_read_orders_by_reads_in_the_window(section):
    old = publish_story(section, title="Yesterday's hit", published=NOON - timedelta(days=3))
    a = publish_story(section, title="Second", published=NOON - timedelta(days=3))
    b = publish_story(section, title="First", published=NOON - timedelta(days=3))
    read(old, 9, at=NOON - timedelta(hours=25))  # outside the 24-hour window
    read(a, 2, at=NOON - timedelta(hours=2))
    read(b, 3, at=NOON - timedelta(minutes=5))
    drain()
    assert titles(most_read(now=NOON, limit=2)) == ["First", "Second"]


def test_the_window_is_whole_clock_hours_with_frozen_time(section):
    story = publish_story(section, title="Edge", published=NOON - timedelta(days=3))
    other = publish_story(section, title="Other", published=NOON - timedelta(days=3))
    read(other, 1, at=NOON)
    read(story, 2, at=datetime(2026, 3, 9, 13, 0, tzinfo=UTC))  # the window's first hour
    drain()
    with time_machine.travel(datetime(2026, 3, 10, 12, 59, 59, tzinfo=UTC), tick=False):
        assert titles(most_read(limit=1)) == ["Edge"]
    with time_machine.travel(datetime(2026, 3, 10, 13, 0, 0, tzinfo=UTC), tick=False):
        assert titles(most_read(limit=1)) == ["Other"]


def test_the_window_is_a_setting(section, settings):
    story = publish_story(section, title="Two days", published=NOON - timedelta(days=3))
    other = publish_story(section, title="Recent", published=NOON - timedelta(days=3))
    read(story, 3, at=NOON - timedelta(hours=30))
    read(other, 1, at=NOON)
    drain()
    assert titles(most_read(now=NOON, limit=1)) == ["Recent"]
    settings.MOST_READ_WINDOW_HOURS = 48
    assert titles(most_read(now=NOON, limit=1)) == ["Two days"]


def test_section_lists_count_only_their_stories(home, section):
    sport = SectionPageFactory(parent=home, title="Sport", slug="sport")
    world_story = publish_story(section, title="World story", published=NOON - timedelta(days=3))
    sport_story = publish_story(sport, title="Sport story", published=NOON - timedelta(days=3))
    read(world_story, 5, at=NOON)
    read(sport_story, 1, at=NOON)
    drain()
    assert titles(most_read(now=NOON, limit=1)) == ["World story"]
    assert titles(most_read(section_id=sport.pk, now=NOON, limit=1)) == ["Sport story"]


def test_a_new_site_falls_back_to_the_newest_stories(section):
    publish_story(section, title="Older", published=NOON - timedelta(hours=5))
    publish_story(section, title="Newest", published=NOON - timedelta(hours=1))
    assert titles(most_read(now=NOON)) == ["Newest", "Older"]


def test_unpublished_stories_drop_out(section):
    gone = publish_story(section, title="Withdrawn", published=NOON - timedelta(days=3))
    kept = publish_story(section, title="Kept", published=NOON - timedelta(days=3))
    read(gone, 5, at=NOON)
    read(kept, 1, at=NOON)
    drain()
    gone.unpublish()
    assert titles(most_read(now=NOON)) == ["Kept"]


def test_fragment_lists_most_read_and_is_shared_briefly(client, section):
    story = publish_story(section, title="Harbour <reopens> & more")
    read(story, 2, at=datetime.now(tz=UTC))
    drain()
    answer = client.get("/most-read/fragment/")
    assert answer.status_code == 200
    assert "Harbour &lt;reopens&gt; &amp; more" in answer.content.decode()
    assert answer["Cache-Control"] == "public, max-age=29, s-maxage=29"
    assert client.get(f"/most-read/fragment/?section={section.pk}").status_code == 200


def test_fragment_refuses_malformed_and_unknown_sections(client, section):
    assert client.get("/most-read/fragment/?section=abc").status_code == 400
    assert client.get("/most-read/fragment/?section=-1").status_code == 400
    assert client.get("/most-read/fragment/?section=999999").status_code == 404
    assert client.post("/most-read/fragment/").status_code == 405


def test_pages_link_to_most_read_without_javascript(client, section):
    story = publish_story(section, title="A story")
    page = client.get(story.url).content.decode()
    assert 'data-fragment="/most-read/fragment/"' in page
    assert '<a href="/most-read/">See the most read stories</a>' in page
    assert 'data-fragment="/your-three/fragment/"' in page
    listing = client.get(section.url).content.decode()
    assert f'data-fragment="/most-read/fragment/?section={section.pk}"' in listing
    fallback = client.get("/most-read/")
    assert fallback.status_code == 200
    assert "A story" in fallback.content.decode()


def test_most_read_never_enters_the_page_cache(app, section):
    from masthead.core.generation import generation_current
    from tests.pagecache.test_pagecache import call

    publish_story(section, title="A story")
    call(app, "/most-read/fragment/")
    generation = generation_current()
    call(app, "/most-read/fragment/")
    call(app, "/your-three/fragment/")
    call(app, "/your-three/fragment/")
    assert not any("fragment" in key for key in app.local.entries)
    assert generation_current() == generation  # the generation was not replaced


def test_most_read_page_refuses_a_malformed_section(client, section):
    assert client.get("/most-read/?section=x1").status_code == 400
    assert client.get("/most-read/?section=424242").status_code == 404
    page = client.get(f"/most-read/?section={section.pk}")
    assert "Most Read: World" in page.content.decode()
