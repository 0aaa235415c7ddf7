"""Newsletter and series boxes, the catalogue and the account switches in headless Chromium.

With JavaScript a box answers in place ("Success! Check your inbox for details.",
"You might also like:" with one-click add); without it the same form posts and
the answer is a page of its own. Screenshots at desktop and phone width land in
``$BROWSER_SHOTS_DIR`` (else the test's temporary folder).
"""

from __future__ import annotations

import pytest

from masthead.alerts.models import SeriesFollow
from masthead.newsletters.models import Newsletter, NewsletterSubscription
from tests.browser.support import VIEWPORTS, new_page, no_sideways_scroll, shoot
from tests.content.factories import ImageFactory, SectionPageFactory, SeriesFactory, publish_story
from tests.metering.factories import ReaderFactory


@pytest.fixture
def newsroom(transactional_db, home):
    from django.core.cache import cache

    cache.clear()  # rate-limit counters from earlier tests
    Newsletter.objects.filter(slug="daily").update(sort_order=10)
    Newsletter.objects.create(
        slug="city-desk", name="City Desk", description="Council, transit and schools.",
        frequency="weekly", sort_order=20,
    )  # fmt: skip
    Newsletter.objects.create(
        slug="climate-watch", name="Climate Watch", description="The sea and the weather.",
        frequency="weekly", sort_order=30,
    )  # fmt: skip
    city = SectionPageFactory(parent=home, title="City", slug="city")
    series = SeriesFactory(title="Under the Streets", slug="under-the-streets")
    story = publish_story(
        city,
        title="Hundreds of homes still have lead pipes",
        deck="The programme skipped at least 640 properties.",
        lead_image=ImageFactory(),
        series=series,
        paragraphs=[f"Paragraph {n} of the pipes story." for n in range(1, 4)],
    )
    return {"story": story, "series": series}


def test_signup_box_answers_in_place_with_suggestions(live_server, newsroom, browser, shots_dir):
    problems: list[str] = []
    for name in VIEWPORTS:
        page = new_page(browser, name, problems)
        page.goto(live_server.url + newsroom["story"].url)
        box = page.locator("[data-in-place]").filter(has_text="The Daily Briefing")
        box.scroll_into_view_if_needed()
        shoot(page, shots_dir / f"letters-story-{name}.png")

        box.get_by_label("Email address").fill("not an address")
        box.get_by_role("button", name="Sign up").click()
        page.get_by_text("Please enter a valid email address").wait_for()
        assert page.input_value("#signup-answer-email") == "not an address"
        assert page.evaluate("document.activeElement.id") == "signup-answer-email"

        url_before = page.url
        page.fill("#signup-answer-email", f"{name}@example.org")
        page.locator(".signup-box--answer").get_by_role("button", name="Sign up").click()
        page.get_by_text("Success! Check your inbox for details.").wait_for()
        assert page.url == url_before  # answered in place
        assert page.get_by_text("You might also like:").is_visible()
        assert page.get_by_role("link", name="See all newsletters").is_visible()
        shoot(page, shots_dir / f"letters-success-{name}.png")

        page.get_by_role("button", name="Add City Desk").click()
        # the new answer no longer suggests City Desk
        page.get_by_role("button", name="Add City Desk").wait_for(state="detached")
        page.get_by_text("Success! Check your inbox for details.").wait_for()
        assert NewsletterSubscription.objects.filter(email=f"{name}@example.org").count() == 2

        follow = page.locator(".follow-box")
        follow.get_by_label("Email address").fill(f"{name}.fan@example.org")
        follow.get_by_role("button", name="Sign up").click()
        page.get_by_text("Thank you for signing up").wait_for()
        shoot(page, shots_dir / f"letters-follow-{name}.png")
        assert SeriesFollow.objects.get(email=f"{name}.fan@example.org").status == "pending"
        assert no_sideways_scroll(page)
        page.context.close()
    assert [p for p in problems if not p.startswith("400:")] == []


def test_signup_box_without_javascript(live_server, newsroom, browser, shots_dir):
    problems: list[str] = []
    page = new_page(browser, "phone", problems, java_script_enabled=False)
    page.goto(live_server.url + newsroom["story"].url)
    box = page.locator("[data-in-place]").filter(has_text="The Daily Briefing")
    box.get_by_label("Email address").fill("nojs@example.org")
    box.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()
    assert "Success! Check your inbox for details." in page.content()
    page.get_by_role("link", name="Back to where you were").click()
    page.wait_for_load_state()
    assert newsroom["story"].title in page.locator("h1").inner_text()
    page.context.close()
    assert problems == []


def test_catalogue_and_account_switches(live_server, newsroom, browser, shots_dir):
    ReaderFactory(email="pat@example.org")
    problems: list[str] = []
    for name in VIEWPORTS:
        page = new_page(browser, name, problems)
        page.goto(live_server.url + "/newsletters/")
        assert page.locator("h1").inner_text() == "Newsletters"
        assert page.locator(".catalogue__item").count() == 3
        shoot(page, shots_dir / f"letters-catalogue-{name}.png")
        assert no_sideways_scroll(page)
        page.context.close()

    page = new_page(browser, "desktop", problems)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "pat@example.org")
    page.fill("input[name=password]", "correct horse battery staple")
    page.locator("form.auth-form button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/account/")
    page.get_by_role("button", name="Turn on City Desk").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Turn off City Desk").is_visible()
    shoot(page, shots_dir / "letters-account-desktop.png")
    sub = NewsletterSubscription.objects.get(email="pat@example.org")
    assert sub.status == "active" and sub.newsletter.slug == "city-desk"
    page.get_by_role("button", name="Turn off City Desk").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Turn on City Desk").is_visible()
    sub.refresh_from_db()
    assert sub.status == "unsubscribed"
    page.context.close()
    assert problems == []
