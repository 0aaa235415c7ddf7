"""The emails the site sends, and the web versions they link to, are valid HTML.

Each email is made the way the site makes it (a wall sign-up, a sign-in link,
a newsletter and a series confirmation, a series alert, a newsletter edition)
and rendered as the worker renders it, CSS inlined; its HTML body goes
through the Nu HTML Checker with the site's pages' gate: zero errors. The
edition's web version ("Read on the web") is also opened in Chromium at
desktop and phone width and checked by axe-core (WCAG 2.2 A/AA).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client

from masthead.mail.models import Delivery
from masthead.mail.rendering import email_render
from masthead.mail.services import delivery_message
from masthead.newsletters.editions import edition_context
from masthead.newsletters.models import Edition, EditionItem, Newsletter
from tests.accounts.factories import UserFactory
from tests.browser.checkers import axe_violations, nu_errors
from tests.browser.support import VIEWPORTS, new_page
from tests.content.factories import ImageFactory, SectionPageFactory, SeriesFactory, publish_story

UNSUBSCRIBE = "http://testserver/newsletters/unsubscribe/a-token/"


@pytest.fixture
def sent_edition(transactional_db, home) -> Edition:
    """A sent edition of the daily, two stories (one with a picture)."""
    cache.clear()
    section = SectionPageFactory(parent=home, title="World", slug="world")
    edition = Edition.objects.create(
        newsletter=Newsletter.objects.get(slug="daily"),
        issue_date=dt.date(2026, 3, 10),
        subject="The Daily Briefing: harbour & ferries",
        intro="Good morning. The strike <ends> today.",
        status=Edition.SENT,
    )
    for order, lead_image in enumerate([ImageFactory(), None]):
        story = publish_story(section, title=f"Harbour story {order}", lead_image=lead_image)
        EditionItem.objects.create(
            edition=edition, page=story, title=story.title, summary="The estimate, finally.",
            url="http://testserver" + story.url, sort_order=order,
        )  # fmt: skip
    return edition


def _delivered_html(template: str) -> str:
    delivery = Delivery.objects.filter(template=template).latest("pk")
    [(html, _)] = delivery_message(delivery).alternatives
    return html


def _emails(edition: Edition) -> dict[str, str]:
    from masthead.accounts.services import signin_link_request
    from masthead.alerts.models import SeriesAlert
    from masthead.alerts.services import alert_context, follow_request
    from masthead.metering.services import wall_signup
    from masthead.newsletters.services import subscription_request

    wall_signup(email="new.reader@example.org", agreed=True, ip="203.0.113.5", next_url="/")
    signin_link_request(email=UserFactory(email="reader@example.org").email)
    subscription_request(email="letters@example.org", newsletter=edition.newsletter)
    series = SeriesFactory(title="The Harbour Files", slug="harbour-files")
    follow_request(email="follower@example.org", series=series)
    story = edition.items.first().page
    alert = SeriesAlert.objects.create(
        story_id=story.pk, series=series, title="Harbour story 0", summary="It goes on.",
        url="http://testserver" + story.url, image_url="", image_alt="",
    )  # fmt: skip
    personal = {"unsubscribe_url": UNSUBSCRIBE}
    return {
        "activation": _delivered_html("metering/activation"),
        "sign-in link": _delivered_html("accounts/signin_link"),
        "newsletter confirmation": _delivered_html("newsletters/confirm"),
        "series confirmation": _delivered_html("alerts/confirm"),
        "series alert": email_render(
            template="alerts/new_story", context=alert_context(alert), personal=personal
        ).html,
        "edition": email_render(
            template="newsletters/edition", context=edition_context(edition), personal=personal
        ).html,
    }


def test_emails_and_web_versions_are_valid_html(sent_edition):
    documents = _emails(sent_edition)
    web = Client().get(sent_edition.get_absolute_url())
    assert web.status_code == 200
    documents["edition web version"] = web.content.decode()
    assert all("<html" in html for html in documents.values())

    assert nu_errors(documents) == {}


def test_the_edition_web_version_passes_axe(sent_edition, live_server, browser):
    problems: list[str] = []
    found = {}
    for viewport in VIEWPORTS:
        page = new_page(browser, viewport, problems, bypass_csp=True)
        page.goto(live_server.url + sent_edition.get_absolute_url())
        assert "Harbour story 1" in page.content()
        violations = axe_violations(page)
        if violations:
            found[viewport] = violations
        page.context.close()
    assert found == {}
