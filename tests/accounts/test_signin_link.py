"""Signing in by an emailed link, end to end through a real SMTP server."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from allauth.account.models import EmailAddress
from django.utils import timezone

from masthead.accounts import services
from masthead.mail.models import Delivery
from tests.accounts.factories import UserFactory, WallReaderFactory
from tests.tasks import run_pending_tasks

REQUEST_URL = "/account/sign-in-link/"
CHECK_INBOX = "Check your inbox"


def link_from(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"http://testserver(/account/sign-in-link/[^\s/]+/)", text).group(1)


def ask_for_link(client, email, next_url=""):
    return client.post(REQUEST_URL, {"email": email, "next": next_url})


def test_link_arrives_over_smtp_and_signs_the_reader_in(client, site, smtp_backend):
    reader = WallReaderFactory(email="Reader@Example.org")
    page = client.get(REQUEST_URL + "?next=/world/some-story/")
    assert "Email me a sign-in link" in page.content.decode()
    response = ask_for_link(client, "reader@example.org", "/world/some-story/")
    assert CHECK_INBOX in response.content.decode()

    run_pending_tasks()
    [message] = smtp_backend.wait_for(1)
    assert message["To"] == "Reader@Example.org"
    assert message["Subject"] == "Your sign-in link for The Masthead Courier"
    link = link_from(message)
    assert link in message.get_body(("html",)).get_content()

    confirm = client.get(link)
    assert "You are signing in as" in confirm.content.decode()
    assert "_auth_user_id" not in client.session  # a mail scanner's GET signs nobody in

    signed_in = client.post(link)
    assert signed_in.status_code == 302 and signed_in["Location"] == "/world/some-story/"
    assert client.session["_auth_user_id"] == str(reader.pk)
    assert EmailAddress.objects.get(user=reader).verified
    account = client.get("/account/")
    assert "Reader@Example.org" in account.content.decode()


def test_a_used_link_says_so_and_offers_a_new_one(client, site):
    reader = UserFactory()
    link = services.signin_link_url(user=reader).removeprefix("http://testserver")
    client.post(link)
    client.logout()
    again = client.get(link)
    body = again.content.decode()
    assert again.status_code == 410  # gone: as the set-up link (core/errors.py)
    assert "This sign-in link has already been used" in body
    assert "Email me a new link" in body and f'value="{reader.email}"' in body
    assert client.post(link).status_code == 410
    assert "_auth_user_id" not in client.session


def test_an_expired_link_says_so(client, site):
    reader = UserFactory()
    link = services.signin_link_url(user=reader).removeprefix("http://testserver")
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        response = client.get(link)
    assert response.status_code == 410
    assert "This sign-in link has expired" in response.content.decode()
    assert "Email me a new link" in response.content.decode()


def test_a_forged_link_says_so(client, site):
    reader = UserFactory()
    link = services.signin_link_url(user=reader).removeprefix("http://testserver")
    forged = link[:-6] + "AAAAA/"
    response = client.post(forged)
    assert response.status_code == 400
    assert "This sign-in link is not valid" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_link_for_a_closed_account_does_not_sign_in(client, site):
    reader = UserFactory()
    link = services.signin_link_url(user=reader).removeprefix("http://testserver")
    services.account_deactivate(user=reader)
    assert client.post(link).status_code == 410  # the account changed: the link is spent
    assert "_auth_user_id" not in client.session


def test_next_never_leaves_the_site(client, site):
    reader = UserFactory()
    for evil in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        link = services.signin_link_url(user=reader, next_url=evil)
        response = client.post(link.removeprefix("http://testserver"))
        assert response["Location"] == "/"
        client.logout()
        reader.refresh_from_db()


def test_same_answer_with_or_without_an_account(client, site):
    UserFactory(email="known@example.org")
    known = ask_for_link(client, "known@example.org").content.decode()
    unknown = ask_for_link(client, "unknown@example.org").content.decode()

    def scrub(html: str) -> str:
        html = re.sub(r"(known|unknown)@example\.org", "EMAIL", html)
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert scrub(known) == scrub(unknown)
    run_pending_tasks()  # the lookup runs in a task, so both answers cost the same
    assert list(Delivery.objects.values_list("to", flat=True)) == ["known@example.org"]


def test_asking_twice_in_a_row_sends_one_email(client, site):
    UserFactory(email="twice@example.org")
    ask_for_link(client, "twice@example.org")
    ask_for_link(client, "twice@example.org")
    run_pending_tasks()
    assert Delivery.objects.filter(to="twice@example.org").count() == 1


def test_bad_address_is_explained_and_kept(client, site):
    response = ask_for_link(client, "not an address")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Please enter a valid email address" in body
    assert 'value="not an address"' in body


def test_rate_limited_per_address_with_a_message(client, site, settings):
    settings.RATELIMIT_SIGNIN_LINK_IP = "100/3600"
    settings.RATELIMIT_SIGNIN_LINK_EMAIL = "2/3600"
    UserFactory(email="busy@example.org")
    for _ in range(2):
        assert CHECK_INBOX in ask_for_link(client, "busy@example.org").content.decode()
    limited = ask_for_link(client, "Busy@example.org")
    assert limited.status_code == 429
    body = limited.content.decode()
    assert "Too many sign-in links have been asked for" in body
    assert 'value="Busy@example.org"' in body


def test_rate_limited_per_ip(client, site, settings):
    settings.RATELIMIT_SIGNIN_LINK_IP = "3/3600"
    settings.RATELIMIT_SIGNIN_LINK_EMAIL = "100/3600"
    for n in range(3):
        assert ask_for_link(client, f"someone{n}@example.org").status_code == 200
    assert ask_for_link(client, "someone9@example.org").status_code == 429


def test_forms_need_csrf(site):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(REQUEST_URL, {"email": "a@example.org"}).status_code == 403
    reader = UserFactory()
    link = services.signin_link_url(user=reader).removeprefix("http://testserver")
    assert strict.post(link).status_code == 403
