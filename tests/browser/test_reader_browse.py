"""A reader in headless Chromium: front page, a click through to a story, at desktop and phone.

Uses Debian's chromium through the Python Playwright package (never a downloaded
browser). Screenshots land in ``$BROWSER_SHOTS_DIR`` when set, else in the
test's temporary folder.
"""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from masthead.content.templatetags.masthead_tags import byline_text
from tests.content.factories import (
    AuthorFactory,
    ImageFactory,
    SectionPageFactory,
    SeriesFactory,
    VideoFactory,
    publish_story,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}

pytestmark = pytest.mark.browser

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


def _skip_without_browser() -> None:
    if sync_playwright is None:
        pytest.skip("the playwright Python package is not installed (pip install playwright)")
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture
def shots_dir(tmp_path) -> Path:
    path = Path(os.environ.get("BROWSER_SHOTS_DIR") or tmp_path / "shots")
    path.mkdir(parents=True, exist_ok=True)
    return path


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


def _watch(page, problems: list[str]) -> None:
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.on("requestfailed", lambda req: problems.append(f"failed: {req.url}"))
    page.on(
        "response",
        lambda resp: problems.append(f"{resp.status}: {resp.url}") if resp.status >= 400 else None,
    )


def _shoot(page, path: Path) -> None:
    """Scroll to the bottom first so lazy pictures load, then take the full page."""
    page.evaluate(
        """async () => {
            for (let y = 0; y < document.body.scrollHeight; y += 600) {
                window.scrollTo(0, y);
                await new Promise(r => requestAnimationFrame(r));
            }
            window.scrollTo(0, 0);
        }"""
    )
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(path), full_page=True)


def test_reader_opens_the_front_page_and_reads_a_story(live_server, newsroom, shots_dir):
    _skip_without_browser()
    lead = newsroom[-1]
    expected_byline = byline_text(lead)
    next_headline = newsroom[-3].title  # the newest earlier story of the same section

    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, (width, height) in VIEWPORTS.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height}, is_mobile=name == "phone"
                )
                page = context.new_page()
                _watch(page, problems)

                page.goto(f"{live_server.url}/")
                assert page.locator(".masthead__name").is_visible()
                page.keyboard.press("Tab")
                assert page.evaluate("document.activeElement.className") == "skip-link"
                _shoot(page, shots_dir / f"home-{name}.png")
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                    f"the front page scrolls sideways at {width}px"
                )

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
                _shoot(page, shots_dir / f"story-{name}.png")
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                    f"the story page scrolls sideways at {width}px"
                )
                context.close()
        finally:
            browser.close()

    assert problems == []
    for name in VIEWPORTS:
        assert (shots_dir / f"home-{name}.png").stat().st_size > 10_000
        assert (shots_dir / f"story-{name}.png").stat().st_size > 10_000
