"""Personal pages say ``Cache-Control: private, no-store``; public pages do not.

A shared computer's back button, a proxy or a CDN must never keep a page that
shows one reader's account, forms, or a story rendered for them.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.metering.factories import ReaderFactory

PRIVATE = "private, no-store"
SIGNED_IN_PAGES = [
    "/account/",
    "/account/export/",
    "/account/delete/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/logout/",
]
ANONYMOUS_PERSONAL_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/account/sign-in-link/",
    "/wall/",
    "/mailbox/",
]


@pytest.fixture
def member(home):
    client = Client()
    client.force_login(UserFactory())
    return client


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_account_email_and_password_pages(member, path):
    response = member.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.parametrize("path", ANONYMOUS_PERSONAL_PAGES)
def test_forms_that_take_an_address_or_password(client, home, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_signed_in_story_page(member, stories):
    response = member.get(stories[0].url)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_signed_in_walled_story(client, stories, site_settings):
    site_settings.registered_allowance = 0
    site_settings.save()
    client.force_login(ReaderFactory())
    response = client.get(stories[0].url)
    assert "You have read all your free stories for now." in response.content.decode()
    assert response["Cache-Control"] == PRIVATE


def test_walled_story_served_by_django(client, walled_story):
    response = client.get(walled_story.url)
    assert "To keep reading, please enter your email address." in response.content.decode()
    assert response["Cache-Control"] == PRIVATE


def test_wall_answers_with_the_readers_input(client, walled_story):
    refused = client.post("/wall/", {"email": "not an address", "story": walled_story.pk})
    assert refused.status_code == 400
    assert refused["Cache-Control"] == PRIVATE
    sent = client.get("/wall/sent/", {"story": walled_story.pk})
    assert sent["Cache-Control"] == PRIVATE


def test_mailbox_message(member, home):
    from masthead.mail.models import MailboxMessage

    item = MailboxMessage.objects.create(
        to="pat@example.org", subject="Hello", text="Hi", html="<p>Hi</p>"
    )
    for path in (f"/mailbox/{item.pk}/", f"/mailbox/{item.pk}/html/"):
        assert Client().get(path)["Cache-Control"] == PRIVATE


def test_public_pages_stay_shareable(client, stories):
    for path in ("/", stories[0].url, stories[0].get_parent().url):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", "")
