"""Pictures fill the slots made for them, and no slot stands empty, at desktop and phone.

The Next Story teaser's picture is lazy: a reader who scrolls to it sees it,
at the size the template announces (``sizes``), and a next story without a
picture gets no picture slot at all. The series header's picture spans its
column; the newsletters catalogue lines up with the rest of the site.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.support import VIEWPORTS, new_page, shoot
from tests.content.factories import ImageFactory, SectionPageFactory, SeriesFactory, publish_story

LONG_BODY = [f"Paragraph {n} of a long report on the tides." for n in range(1, 61)]


@pytest.fixture
def tides(transactional_db, home):
    """A series of two long stories: the older one's next story has a picture,
    the newer one's (the older, by its section) has none."""
    section = SectionPageFactory(parent=home, title="Coast", slug="coast")
    series = SeriesFactory(title="Tides", slug="tides", image=ImageFactory(width=1600, height=900))
    now = timezone.now()
    plain = publish_story(
        section, title="Low tide, no picture", slug="low-tide", series=series,
        published=now - timedelta(hours=5), paragraphs=LONG_BODY,
    )  # fmt: skip
    pictured = publish_story(
        section, title="High tide at the harbour wall", slug="high-tide", series=series,
        published=now - timedelta(hours=2), paragraphs=LONG_BODY, lead_image=ImageFactory(),
    )  # fmt: skip
    return {"plain": plain, "pictured": pictured}


def teaser_picture(page) -> dict:
    return page.evaluate(
        """() => {
            const slot = document.querySelector('.next-story__media');
            const img = slot.querySelector('img');
            const s = slot.getBoundingClientRect(), i = img.getBoundingClientRect();
            return {slot: [s.width, s.height], img: [i.width, i.height], src: img.currentSrc};
        }"""
    )


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_reader_who_scrolls_sees_the_next_storys_picture(
    live_server, tides, browser, shots_dir, viewport
):
    problems: list[str] = []
    # A double-density screen: the picture asked for must be the one the slot needs.
    page = new_page(browser, viewport, problems, device_scale_factor=2)
    page.goto(f"{live_server.url}{tides['plain'].url}")
    teaser = page.locator(".next-story")
    assert "High tide at the harbour wall" in teaser.inner_text()
    teaser.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('.next-story__media img');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    shown = teaser_picture(page)
    assert shown["slot"] == shown["img"], "the picture fills its slot"
    assert shown["img"][0] == 128 and round(shown["img"][0] / shown["img"][1], 1) == 1.5
    # 8rem at 2x is 256 pixels: the 320-wide rendition, not the 640-wide one.
    assert "fill-320x213" in shown["src"]
    shoot(page, shots_dir / f"next-story-{viewport}.png")
    page.context.close()
    assert problems == []


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_next_story_without_a_picture_has_no_empty_slot(live_server, tides, browser, viewport):
    problems: list[str] = []
    page = new_page(browser, viewport, problems)
    page.goto(f"{live_server.url}{tides['pictured'].url}")
    teaser = page.locator(".next-story")
    assert "Low tide, no picture" in teaser.inner_text()
    assert teaser.locator(".next-story__media").count() == 0
    label_left = page.locator(".next-story__label").bounding_box()["x"]
    headline_left = page.locator(".next-story__headline").bounding_box()["x"]
    assert headline_left == label_left, "the headline starts where the teaser does"
    page.context.close()
    assert problems == []


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_series_picture_spans_its_column(live_server, tides, browser, viewport):
    problems: list[str] = []
    page = new_page(browser, viewport, problems)
    page.goto(f"{live_server.url}/series/tides/")
    figure = page.locator(".list-header__image").bounding_box()
    picture = page.locator(".list-header__image img").bounding_box()
    intro = page.locator(".list-header__title").bounding_box()
    assert picture["width"] == figure["width"] and picture["x"] == intro["x"]
    assert round(picture["width"] / picture["height"], 1) == 2.4  # the 1280x533 crop
    page.context.close()
    assert problems == []


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_newsletters_catalogue_lines_up_with_the_site(live_server, home, browser, viewport):
    """Its column sits in the page's gutters, as every other page's does, not
    in a second set of them."""
    problems: list[str] = []
    page = new_page(browser, viewport, problems)
    page.goto(f"{live_server.url}/newsletters/")
    title = page.locator(".list-header__title").bounding_box()
    main_top, content_left = page.evaluate(
        """() => { const m = document.querySelector('.site-main'), s = getComputedStyle(m);
                   const r = m.getBoundingClientRect();
                   return [r.top + parseFloat(s.paddingTop), r.left + parseFloat(s.paddingLeft)]; }"""
    )
    if viewport == "phone":  # the column is the whole width there
        assert title["x"] == content_left
    assert title["y"] - main_top < 12, "no second top margin above the title"
    page.context.close()
    assert problems == []
