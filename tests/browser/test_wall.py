"""The registration wall and the account set-up page in headless Chromium.

Same browser and launch flags as ``test_reader_browse.py``. With JavaScript the
wall answers in place (errors, then "Thank you."); without it, the same form
posts the whole page. Then the set-up link from the activation email is
followed and the story comes back whole. Screenshots at desktop and phone
width land in ``$BROWSER_SHOTS_DIR`` (else the test's temporary folder).
"""

from __future__ import annotations

import pytest

from masthead.core.models import SiteSettings
from masthead.mail.models import Delivery
from tests.browser.support import VIEWPORTS, new_page, no_sideways_scroll, shoot
from tests.content.factories import ImageFactory, SectionPageFactory, publish_story


@pytest.fixture
def walled_story(transactional_db, home):
    from django.core.cache import cache

    cache.clear()  # rate-limit counters from earlier tests
    world = SectionPageFactory(parent=home, title="World", slug="world")
    site = SiteSettings.load()
    site.meter_allowance = 0
    site.save()
    return publish_story(
        world,
        title="Harbour authority admits the dredging plan was never costed",
        deck="Documents show the estimate was a placeholder.",
        lead_image=ImageFactory(),
        lead_image_caption="The outer harbour at low tide.",
        lead_image_credit="Jane Doe/Masthead",
        paragraphs=[f"Paragraph {n} of the harbour story." for n in range(1, 8)],
    )


def _setup_path(email: str) -> str:
    delivery = Delivery.objects.get(to=email, template="metering/activation")
    return "/" + delivery.context["setup_url"].split("/", 3)[3]


def test_wall_in_place_then_set_up_returns_to_the_story(
    live_server, walled_story, browser, shots_dir
):
    problems: list[str] = []
    for name in VIEWPORTS:
        page = new_page(browser, name, problems)
        page.goto(live_server.url + walled_story.url)
        wall = page.locator(".paywall .wall")
        assert wall.is_visible()
        assert "Paragraph 3 of the harbour story." in page.content()
        assert "Paragraph 4 of the harbour story." not in page.content()
        wall.scroll_into_view_if_needed()
        assert "A free 6-week digital subscription" in wall.inner_text()
        shoot(page, shots_dir / f"wall-{name}.png")

        # Empty submit: both errors, in place, focus on the email field.
        url_before = page.url
        wall.get_by_role("button", name="Continue").click()
        page.locator(".wall__error").first.wait_for()
        assert page.url == url_before
        errors = page.locator(".wall__error").all_inner_texts()
        assert [e.strip() for e in errors] == [
            "Please enter a valid email address",
            "Please indicate agreement.",
        ]
        assert page.evaluate("document.activeElement.id") == "wall-email"
        shoot(page, shots_dir / f"wall-errors-{name}.png")

        # A bad address keeps what was typed and the ticked box.
        page.fill("#wall-email", "reader@localhost")
        page.check("#wall-agree")
        page.get_by_role("button", name="Continue").click()
        # (a locator wait: a string predicate would be eval, which the CSP refuses)
        page.locator(".wall__error").nth(1).wait_for(state="detached")
        assert page.locator(".wall__error").count() == 1
        assert page.input_value("#wall-email") == "reader@localhost"
        assert page.is_checked("#wall-agree")

        email = f"{name}.reader@example.org"
        page.fill("#wall-email", email)
        page.get_by_role("button", name="Continue").click()
        page.get_by_text("Thank you.").wait_for()
        assert "Check your inbox. We've sent an email" in page.locator(".wall").inner_text()
        assert page.url == url_before
        shoot(page, shots_dir / f"wall-thanks-{name}.png")

        # The link in the email: the set-up page, then the story, whole.
        page.goto(live_server.url + _setup_path(email))
        assert "Welcome to" in page.locator("h1").inner_text()
        shoot(page, shots_dir / f"welcome-{name}.png")
        page.fill("#id_password1", "a long harbour password 42")
        page.fill("#id_password2", "a long harbour password 42")
        page.get_by_role("button", name="Set password and continue").click()
        page.wait_for_url(live_server.url + walled_story.url)
        assert page.locator(".paywall").count() == 0
        assert "Paragraph 7 of the harbour story." in page.content()
        shoot(page, shots_dir / f"story-unwalled-{name}.png")
        assert no_sideways_scroll(page)
        page.context.close()
    assert [p for p in problems if not p.startswith("400:") and not p.startswith("429:")] == []


def test_wall_without_javascript(live_server, walled_story, browser, shots_dir):
    problems: list[str] = []
    page = new_page(browser, "phone", problems, java_script_enabled=False)
    page.goto(live_server.url + walled_story.url)
    page.fill("#wall-email", "nojs@example.org")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert "Please indicate agreement." in page.locator(".wall").inner_text()
    assert page.input_value("#wall-email") == "nojs@example.org"
    assert walled_story.title in page.locator("h1").inner_text()
    page.check("#wall-agree")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert "Thank you." in page.locator(".wall").inner_text()
    page.screenshot(path=str(shots_dir / "wall-nojs-thanks-phone.png"), full_page=True)
    page.context.close()
    assert Delivery.objects.filter(to="nojs@example.org").count() == 1
