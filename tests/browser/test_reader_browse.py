"""A reader in headless Chromium: front page, a click through to a story, at desktop and phone.

Uses Debian's chromium through the Python Playwright package (never a downloaded
browser). Screenshots land in ``$BROWSER_SHOTS_DIR`` when set, else in the
test's temporary folder.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.content.templatetags.masthead_tags import byline_text
from tests.browser.support import VIEWPORTS, new_page, no_sideways_scroll, shoot
from tests.content.factories import (
    AuthorFactory,
    ImageFactory,
    SectionPageFactory,
    SeriesFactory,
    VideoFactory,
    publish_story,
)


@pytest.fixture
def newsroom(transactional_db, home):
    """A small paper: two sections, a series, pictures, a video."""
    world = SectionPageFactory(parent=home, title="World", slug="world")
    business = SectionPageFactory(parent=home, title="Business", slug="business")
    series = SeriesFactory(title="The Harbour Files", slug="harbour-files")
    authors = [AuthorFactory(name="Jane Doe", slug="jane-doe"), AuthorFactory(name="Sam Lee")]
    now = timezone.now()
    stories = []
    for i in range(7):
        stories.append(
            publish_story(
                world if i % 2 else business,
                title=f"Harbour story number {i} as the strike goes on",
                deck="Talks broke down after midnight; unions plan more walkouts.",
                authors=[authors[i % 2]],
                series=series if i in (4, 6) else None,
                published=now - timedelta(hours=10 - i),
                lead_image=ImageFactory(),
                lead_image_caption="Cranes stand idle at the terminal.",
                lead_image_credit="Jane Doe/Masthead",
                paragraphs=[f"Paragraph {n} of the story." for n in range(1, 6)],
            )
        )
    VideoFactory(title="Inside the flood barrier", poster=ImageFactory())
    return stories


def test_reader_opens_the_front_page_and_reads_a_story(live_server, newsroom, browser, shots_dir):
    lead = newsroom[-1]
    expected_byline = byline_text(lead)
    next_headline = newsroom[-3].title  # the newest earlier story of the same section

    problems: list[str] = []
    for name in VIEWPORTS:
        width = VIEWPORTS[name][0]
        page = new_page(browser, name, problems)

        page.goto(f"{live_server.url}/")
        assert page.locator(".masthead__name").is_visible()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        shoot(page, shots_dir / f"home-{name}.png")
        assert no_sideways_scroll(page), f"the front page scrolls sideways at {width}px"

        page.locator(".front__lead .teaser__headline a").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == lead.title
        byline = page.locator(".story__byline")
        assert byline.is_visible() and byline.inner_text() == expected_byline
        credit = page.locator(".story__lead .caption__credit")
        assert credit.is_visible() and credit.inner_text() == "(Jane Doe/Masthead)"
        assert page.locator(".kicker--series").is_visible()
        next_story = page.locator(".next-story")
        next_story.scroll_into_view_if_needed()
        assert next_story.is_visible()
        # text_content: the label is upper-cased by CSS only
        assert page.locator(".next-story__label").text_content() == "Next Story"
        assert next_headline in next_story.inner_text()
        shoot(page, shots_dir / f"story-{name}.png")
        assert no_sideways_scroll(page), f"the story page scrolls sideways at {width}px"
        page.context.close()

    assert problems == []
    for name in VIEWPORTS:
        assert (shots_dir / f"home-{name}.png").stat().st_size > 10_000
        assert (shots_dir / f"story-{name}.png").stat().st_size > 10_000
