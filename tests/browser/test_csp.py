"""Chromium enforces the Content-Security-Policy and reports no violation.

Every public page type, then the wall flow (in place with JavaScript, the
set-up link, the story unwalled) and the account pages. Violations are caught
two ways: the ``securitypolicyviolation`` events the page fires (recorded by
a script Playwright injects, which the policy does not govern) and the
"Refused to ..." lines Chromium writes to the console.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.core.models import SiteSettings
from masthead.mail.models import Delivery
from tests.browser.support import new_page
from tests.content.factories import (
    AuthorFactory,
    ImageFactory,
    SectionPageFactory,
    SeriesFactory,
    VideoFactory,
    publish_story,
)

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def paper(transactional_db, home):
    from django.core.cache import cache

    from masthead.content.models import StandardPage

    cache.clear()
    world = SectionPageFactory(parent=home, title="World", slug="world")
    author = AuthorFactory(name="Ada Reporter", slug="ada")
    series = SeriesFactory(title="Tides", slug="tides")
    stories = [
        publish_story(
            world,
            title=f"Harbour story {n}",
            authors=[author],
            series=series,
            lead_image=ImageFactory(),
            lead_image_caption="Cranes at the terminal.",
            published=timezone.now() - timedelta(hours=n),
            paragraphs=[f"Paragraph {p} of story {n}." for p in range(1, 8)],
        )
        for n in range(1, 4)
    ]
    stories[0].tags.add("Ports")
    stories[0].save_revision().publish()
    VideoFactory(title="Boats at dawn", slug="boats", poster=ImageFactory())
    home.add_child(instance=StandardPage(title="About us", slug="about", body="<p>Us.</p>"))
    return stories


def open_page(browser, problems: list[str]):
    page = new_page(browser, "desktop", problems)
    page.add_init_script(RECORD_VIOLATIONS)

    def console(msg) -> None:
        if "Content Security Policy" in msg.text or "Refused to" in msg.text:
            problems.append(f"console: {msg.text}")

    page.on("console", console)
    return page


def visit(page, url: str, violations: list[str]) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    violations += [f"{url}: {v}" for v in page.evaluate("window.__cspViolations")]


def csp_problems(problems: list[str]) -> list[str]:
    return [p for p in problems if p.startswith("console:")]


def test_public_pages_raise_no_violation(live_server, paper, browser):
    problems: list[str] = []
    violations: list[str] = []
    page = open_page(browser, problems)
    story = paper[0]
    for path in [
        "/",
        "/world/",
        story.url,
        "/series/tides/",
        "/authors/ada/",
        "/tags/ports/",
        "/videos/",
        "/videos/boats/",
        "/about/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/account/sign-in-link/",
        f"/wall/?story={story.pk}",
        "/no-such-page/",
    ]:
        response = page.goto(live_server.url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        violations += [f"{path}: {v}" for v in page.evaluate("window.__cspViolations")]
    assert violations == []
    assert csp_problems(problems) == []
    # The watch works: an inline script is refused and reported.
    reported = page.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener("securitypolicyviolation", (e) => resolve(e.violatedDirective),
                                      {once: true});
            const script = document.createElement("script");
            script.textContent = "window.__ran = 1";
            document.head.appendChild(script);
        })"""
    )
    assert reported.startswith("script-src")
    assert page.evaluate("window.__ran === undefined")


def test_wall_flow_and_account_raise_no_violation(live_server, paper, browser):
    site = SiteSettings.load()
    site.meter_allowance = 0
    site.save()
    problems: list[str] = []
    violations: list[str] = []
    page = open_page(browser, problems)
    story = paper[0]
    visit(page, live_server.url + story.url, violations)
    page.get_by_role("button", name="Continue").click()  # errors, in place
    page.locator(".wall__error").first.wait_for()
    page.fill("#wall-email", "csp.reader@example.org")
    page.check("#wall-agree")
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Thank you.").wait_for()
    delivery = Delivery.objects.get(to="csp.reader@example.org", template="metering/activation")
    setup = "/" + delivery.context["setup_url"].split("/", 3)[3]
    visit(page, live_server.url + setup, violations)
    page.fill("#id_password1", "a long harbour password 42")
    page.fill("#id_password2", "a long harbour password 42")
    page.get_by_role("button", name="Set password and continue").click()
    page.wait_for_url(live_server.url + story.url)
    assert "Paragraph 7 of story 1." in page.content()
    for path in ("/account/", "/accounts/email/", "/accounts/password/change/", paper[1].url):
        visit(page, live_server.url + path, violations)
    violations += page.evaluate("window.__cspViolations")
    assert violations == []
    assert csp_problems(problems) == []
