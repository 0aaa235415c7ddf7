"""Every kind of page a reader meets is valid HTML and passes axe-core (WCAG 2.2 A/AA).

The HTML the server sends (not the browser's DOM) goes through the Nu HTML
Checker in one run; each page is then opened in Chromium at desktop and phone
width and checked by axe-core. The gate is zero: zero Nu errors, zero axe
violations. A new page type belongs in ``PAGES`` (or ``reader_pages``).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from wagtail.models import Page

from masthead.content.models import StandardPage
from masthead.core.models import SiteSettings
from masthead.mail.models import MailboxMessage
from tests.accounts.factories import UserFactory
from tests.browser.checkers import axe_violations, nu_errors
from tests.browser.support import VIEWPORTS, new_page
from tests.comments.factories import CommenterFactory, CommentFactory
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
    """Two sections, a series, tags, pictures, videos, a terms page; one walled story."""
    cache.clear()
    world = SectionPageFactory(parent=home, title="World", slug="world")
    city = SectionPageFactory(parent=home, title="City", slug="city")
    series = SeriesFactory(title="The Harbour Files", slug="harbour-files")
    author = AuthorFactory(name="Jane Doe", slug="jane-doe")
    VideoFactory(title="Night shift at the terminal", slug="night-shift", section=world)
    VideoFactory(title="The ferry that never came", slug="ferry")
    now = timezone.now()
    stories = []
    for i in range(6):
        story = publish_story(
            world if i % 2 else city,
            title=f"Harbour story {i}: the strike goes on",
            deck="Talks broke down after midnight.",
            authors=[author],
            series=series if i in (3, 5) else None,
            published=now - timedelta(hours=10 - i, microseconds=123456),
            lead_image=ImageFactory(),
            lead_image_caption="Cranes stand idle at the terminal.",
            lead_image_credit="Jane Doe/Masthead",
            paragraphs=[f"Paragraph {n} of story {i}." for n in range(1, 8)],
        )
        story.tags.add("ports")
        story.save_revision().publish()
        stories.append(story)
    home.add_child(
        instance=StandardPage(title="Terms of Service", slug="terms", body="<p>Be kind.</p>")
    )
    site = SiteSettings.load()
    site.meter_allowance = 0  # every story is walled for an anonymous reader
    site.save()
    MailboxMessage.objects.create(
        subject="Your sign-in link",
        from_email="news@example.org",
        to="reader@example.org",
        text="Sign in: http://testserver/account/",
        html="<p>Sign in: <a href='http://testserver/account/'>here</a></p>",
    )
    return {"story": stories[-1], "series_story": stories[5], "world": world}


def _anonymous_pages(newsroom) -> dict[str, str]:
    story = newsroom["story"]
    message = MailboxMessage.objects.first()
    return {
        "home": "/",
        "section": newsroom["world"].url,
        "walled story": story.url,
        "series": "/series/harbour-files/",
        "author": "/authors/jane-doe/",
        "tag": "/tags/ports/",
        "videos": "/videos/",
        "video": "/videos/night-shift/",
        "standard page": Page.objects.get(slug="terms").url,
        "wall page": f"/wall/?story={story.pk}",
        "wall thank-you": f"/wall/sent/?story={story.pk}",
        "sign in": "/accounts/login/",
        "sign up": "/accounts/signup/",
        "password reset": "/accounts/password/reset/",
        "sign-in link": "/account/sign-in-link/",
        "mailbox": "/mailbox/",
        "mailbox message": f"/mailbox/{message.pk}/",
        "newsletters": "/newsletters/",
        "most read": "/most-read/",
        "your three": "/your-three/",
        "comments": f"/comments/{story.pk}/",
        "not found": "/no-such-page/",
    }


def _reader_pages(newsroom) -> dict[str, str]:
    return {
        "comments, signed in": f"/comments/{newsroom['story'].pk}/",
        "account": "/account/",
        "email change": "/accounts/email/",
        "password change": "/accounts/password/change/",
        "delete account": "/account/delete/",
    }


def _signed_in_client(newsroom) -> tuple[Client, str]:
    """A reader with a page and more of comments in every state (the account page lists them)."""
    reader = UserFactory(email="reader@example.org")
    author = CommenterFactory(user=reader, display_name="Pat Reader")
    states = [{"status": "published"}, {"status": "pending"}, {"status": "rejected"}]
    states.append({"status": "published", "body": "", "deleted_at": timezone.now()})
    for n in range(12):
        CommentFactory(page_id=newsroom["story"].pk, author=author, **states[n % 4])
    client = Client()
    client.force_login(reader)
    return client, client.cookies["sessionid"].value


def test_pages_are_valid_html(newsroom):
    anonymous = Client()
    documents = {}
    for name, path in _anonymous_pages(newsroom).items():
        response = anonymous.get(path)
        assert response.status_code == (404 if name == "not found" else 200), name
        documents[name] = response.content.decode()
    story = newsroom["story"]
    wall_error = anonymous.post("/wall/", {"email": "not an address", "story": story.pk})
    assert wall_error.status_code == 400
    documents["wall with errors"] = wall_error.content.decode()
    reader, _ = _signed_in_client(newsroom)
    for name, path in _reader_pages(newsroom).items():
        response = reader.get(path)
        assert response.status_code == 200, name
        documents[name] = response.content.decode()
    documents["story, signed in"] = reader.get(story.url).content.decode()

    assert nu_errors(documents) == {}


def test_pages_pass_axe(newsroom, live_server, browser):
    problems: list[str] = []
    found: dict[str, list[str]] = {}
    _, session = _signed_in_client(newsroom)
    pages = [(name, path, False) for name, path in _anonymous_pages(newsroom).items()]
    pages += [(name, path, True) for name, path in _reader_pages(newsroom).items()]
    for viewport in VIEWPORTS:
        anonymous = new_page(browser, viewport, problems, bypass_csp=True)
        reader = new_page(browser, viewport, problems, bypass_csp=True)
        reader.context.add_cookies(
            [{"name": "sessionid", "value": session, "url": live_server.url}]
        )
        for name, path, signed_in in pages:
            page = reader if signed_in else anonymous
            page.goto(live_server.url + path)
            violations = axe_violations(page)
            if violations:
                found[f"{name} ({viewport})"] = violations
        # The wall's error state, answered in place (the browser's own checks
        # are switched off so that the server's messages show).
        anonymous.goto(live_server.url + newsroom["story"].url)
        anonymous.eval_on_selector("[data-wall-form]", "form => { form.noValidate = true; }")
        anonymous.fill("input[name=email]", "not an address")
        anonymous.locator("[data-wall-form] [type=submit]").click()
        anonymous.locator(".wall__error").first.wait_for()
        violations = axe_violations(anonymous)
        if violations:
            found[f"wall with errors ({viewport})"] = violations
        anonymous.context.close()
        reader.context.close()
    assert found == {}
