"""The Content-Security-Policy is on every page, strict on the site, looser in the admin.

Also that the pages give the policy nothing to refuse: no inline script
(other than JSON-LD data), no event-handler attributes, no ``style=""``.
Whether a real browser reports a violation is ``tests/browser/test_csp.py``.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from masthead.core.models import SiteSettings
from tests.accounts.factories import UserFactory
from tests.content.factories import (
    AuthorFactory,
    ImageFactory,
    SeriesFactory,
    VideoFactory,
    publish_story,
)
from tests.pagecache.test_pagecache import call, warm

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'self'",
    "form-action": "'self'",
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def directives(header: str) -> dict[str, str]:
    parsed = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            parsed[name] = value
    return parsed


@pytest.fixture
def paper(section, home):
    from masthead.content.models import StandardPage

    author = AuthorFactory(name="Ada Reporter", slug="ada")
    series = SeriesFactory(title="Tides", slug="tides")
    story = publish_story(
        section,
        title="Harbour reopens",
        slug="harbour-reopens",
        authors=[author],
        series=series,
        lead_image=ImageFactory(),
        published=timezone.now() - timedelta(hours=1),
        paragraphs=[f"Paragraph {n}." for n in range(1, 7)],
    )
    story.tags.add("Ports")
    story.save_revision().publish()
    VideoFactory(title="Boats", slug="boats", poster=ImageFactory())
    home.add_child(instance=StandardPage(title="About", slug="about", body="<p>Us.</p>"))
    return story


def public_paths(story) -> list[str]:
    return [
        "/",
        story.get_parent().url,
        story.url,
        "/series/tides/",
        "/authors/ada/",
        "/tags/ports/",
        "/videos/",
        "/videos/boats/",
        "/about/",
        "/no-such-page/",
        "/wall/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/account/sign-in-link/",
    ]


def assert_strict(response) -> None:
    policy = directives(response["Content-Security-Policy"])
    for name, value in STRICT.items():
        assert policy[name] == value, name
    assert "nonce-" not in response["Content-Security-Policy"]


def assert_nothing_inline(body: str) -> None:
    assert INLINE_SCRIPT.findall(body) == []
    assert HANDLER.findall(body) == []
    assert STYLE_ATTRIBUTE.findall(body) == []


def test_every_public_page_type_has_the_strict_policy(client, paper):
    for path in public_paths(paper):
        response = client.get(path)
        expected = 404 if path == "/no-such-page/" else 200
        assert response.status_code == expected, path
        assert_strict(response)
        assert_nothing_inline(response.content.decode())


def test_walled_story_and_account_pages(client, paper):
    site = SiteSettings.load()
    site.meter_allowance = 0
    site.save()
    walled = client.get(paper.url)
    assert "To keep reading" in walled.content.decode()
    assert_strict(walled)
    assert_nothing_inline(walled.content.decode())
    member = Client()
    member.force_login(UserFactory())
    for path in ("/account/", "/accounts/email/", "/accounts/password/change/", paper.url):
        response = member.get(path)
        assert_strict(response)
        assert_nothing_inline(response.content.decode())


def test_the_admin_has_its_own_policy(client, paper):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'self'"


def test_pages_served_by_the_page_cache_carry_it(app, paper):  # noqa: F811
    SiteSettings.objects.update_or_create(defaults={"meter_allowance": 1000})
    for path in ("/", paper.url):
        miss = warm(app, path)
        hit = call(app, path)
        assert hit.body == miss.body
        header = hit.header("Content-Security-Policy")
        assert header == miss.header("Content-Security-Policy")
        assert directives(header)["script-src"] == "'self'"
