"""Most Read, Your Three and More on this in Chromium, on the home page and a story."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.analytics.ingest import view_record, views_discard, views_flush
from masthead.analytics.models import STORY, VIDEO
from masthead.recommendations.services import index_forget, related_compute
from tests.analytics.counts import BROWSER_UA, redis_clear
from tests.browser.support import VIEWPORTS, new_page, no_sideways_scroll, shoot
from tests.content.factories import ImageFactory, SectionPageFactory, VideoFactory, publish_story


@pytest.fixture
def paper(transactional_db, home):
    from django.core.cache import cache

    cache.clear()  # a Most Read list an earlier test left in the cache (kept 30 s)
    views_discard()
    redis_clear()
    index_forget()
    world = SectionPageFactory(parent=home, title="World", slug="world")
    now = timezone.now()
    stories = [
        publish_story(
            world, title=f"Harbour strike day {n}: talks resume at the port",
            published=now - timedelta(hours=12 - n),
            paragraphs=[f"Dock workers and the port authority met again on day {n}."],
        )
        for n in range(7)
    ]  # fmt: skip
    videos = [
        VideoFactory(title=f"At the harbour, part {n}", section=world, poster=ImageFactory())
        for n in range(4)
    ]
    for n, story in enumerate(stories):
        for reader in range(n + 1):  # story 6 is read most
            view_record(reader=f"r{reader}", kind=STORY, object_id=story.pk,
                        user_agent=BROWSER_UA, now=(now - timedelta(minutes=30)).timestamp())  # fmt: skip
    view_record(reader="r0", kind=VIDEO, object_id=videos[0].pk, user_agent=BROWSER_UA,
                now=now.timestamp())  # fmt: skip
    views_flush()
    for story in stories:
        related_compute(story_id=story.pk)
    yield stories
    redis_clear()


def test_rails_load_after_the_page_on_home_and_story(live_server, paper, browser, shots_dir):
    problems: list[str] = []
    for name in VIEWPORTS:
        page = new_page(browser, name, problems, user_agent=BROWSER_UA)
        page.goto(f"{live_server.url}/")
        most_read = page.locator(".most-read__item")
        most_read.first.wait_for()
        assert most_read.count() == 5
        assert most_read.first.locator("a").inner_text() == paper[6].title
        three = page.locator(".your-three__item")
        three.first.wait_for()
        assert three.count() == 3
        shoot(page, shots_dir / f"discovery-home-{name}.png")
        assert no_sideways_scroll(page)

        page.goto(f"{live_server.url}{paper[3].url}")
        page.locator(".story-rail .most-read__item").first.wait_for()
        page.locator(".story-rail .your-three__item").first.wait_for()
        assert page.locator(".story-rail .most-read__item").count() == 5
        assert page.locator(".story-rail .your-three__item").count() == 3
        more = page.locator(".more-on-this__item")
        assert more.count() == 3
        assert paper[3].title not in page.locator(".more-on-this").inner_text()
        shoot(page, shots_dir / f"discovery-story-{name}.png")
        assert no_sideways_scroll(page)
        page.context.close()
    assert problems == []


def test_without_javascript_the_rails_are_links(live_server, paper, browser):
    problems: list[str] = []
    page = new_page(browser, "desktop", problems, java_script_enabled=False)
    page.goto(f"{live_server.url}{paper[3].url}")
    page.get_by_role("link", name="See the most read stories").click()
    assert page.locator("h1").inner_text() == "Most Read"
    assert page.locator(".most-read__item").count() == 5
    page.goto(f"{live_server.url}{paper[3].url}")
    page.get_by_role("link", name="See the videos picked for you").click()
    assert page.locator(".your-three__item").count() == 3
    assert problems == []
