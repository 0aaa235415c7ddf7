"""The sign-up box: double opt-in, suggestions, the answers, and attacks on the form."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from masthead.mail.models import Delivery
from masthead.newsletters.models import NewsletterSubscription
from tests.metering.factories import ReaderFactory
from tests.newsletters.conftest import link_path, without_tokens
from tests.tasks import run_pending_tasks

SIGNUP = "/newsletters/signup/"
SUCCESS = "Success! Check your inbox for details."


def post_signup(client, email, newsletter="daily", **extra):
    return client.post(SIGNUP, {"email": email, "newsletter": newsletter, "next": "/"}, **extra)


def test_anonymous_signup_answers_success_and_suggestions(client, letters):
    response = post_signup(client, "new.reader@example.org")
    body = response.content.decode()
    assert response.status_code == 200
    assert SUCCESS in body
    assert "You might also like:" in body
    # two or three other active newsletters, with one-click add; never the inactive one
    assert "City Desk" in body and "Climate Watch" in body
    assert "The Retired Letter" not in body
    assert body.count('aria-label="Add ') == 2
    assert '<a href="/newsletters/">See all newsletters</a>' in body
    assert response["Cache-Control"] == "private, no-store"
    sub = NewsletterSubscription.objects.get(email="new.reader@example.org")
    assert sub.status == NewsletterSubscription.PENDING and sub.confirmed_at is None


def test_the_confirmation_email_reaches_the_smtp_server_with_its_link(
    client, letters, smtp_backend, settings
):
    settings.SITE_URL = "https://news.example.org"
    post_signup(client, "new.reader@example.org", HTTP_HOST="testserver")
    run_pending_tasks()
    message = smtp_backend.wait_for(1)[0]
    assert message["To"] == "new.reader@example.org"
    assert message["Subject"] == "Confirm your subscription to The Daily Briefing"
    assert message["Message-ID"].startswith("<")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = re.search(r"https://news\.example\.org/newsletters/confirm/\S+/", text)[0]
    assert link in html  # both parts carry the link built from SITE_URL, not the Host
    assert "testserver" not in text


def test_bad_address_is_refused_in_the_box_and_kept(client, letters):
    response = post_signup(client, "not-an-address")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Please enter a valid email address" in body
    assert 'value="not-an-address"' in body
    assert 'aria-invalid="true"' in body
    assert not NewsletterSubscription.objects.filter(email="not-an-address").exists()


def test_the_answer_comes_as_json_for_the_script(client, letters):
    response = post_signup(client, "reader@example.org", HTTP_ACCEPT="application/json")
    answer = json.loads(response.content)
    assert answer["ok"] is True
    assert SUCCESS in answer["html"] and "data-in-place" in answer["html"]
    bad = post_signup(client, "nope", HTTP_ACCEPT="application/json")
    assert bad.status_code == 400
    assert "Please enter a valid email address" in json.loads(bad.content)["html"]


def test_known_and_unknown_addresses_get_the_same_answer_and_work(client, letters):
    known = NewsletterSubscription.objects.create(
        newsletter=letters["daily"], email="known@example.org", status="active"
    )
    # warm: the first request of a test loads site settings and the session
    post_signup(client, "warm@example.org")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as unknown_queries:
        first = post_signup(client, "unknown@example.org")
    with CaptureQueriesContext(connection) as known_queries:
        second = post_signup(client, "known@example.org")
    unknown_body = without_tokens(first.content.decode()).replace("unknown@", "X@")
    known_body = without_tokens(second.content.decode()).replace("known@", "X@")
    assert first.status_code == second.status_code == 200
    assert unknown_body == known_body
    # the same work either way: a row found or made, one email enqueued
    assert len(unknown_queries) == len(known_queries)
    known.refresh_from_db()
    assert known.status == "active"
    assert Delivery.objects.get(to="known@example.org").template == (
        "newsletters/already_subscribed"
    )
    assert Delivery.objects.get(to="unknown@example.org").template == "newsletters/confirm"


def test_confirming_takes_a_click_and_signs_nobody_in(client, letters):
    owner = ReaderFactory(email="owner@example.org")
    post_signup(client, "owner@example.org")
    url = Delivery.objects.get(to="owner@example.org").context["confirm_url"]
    fresh = Client()
    page = fresh.get(link_path(url))
    assert page.status_code == 200 and "Confirm your subscription" in page.content.decode()
    sub = NewsletterSubscription.objects.get(email="owner@example.org")
    assert sub.status == "pending"  # a mail scanner opening the link confirms nothing
    done = fresh.post(link_path(url))
    assert "Thank you for signing up" in done.content.decode()
    sub.refresh_from_db()
    assert sub.status == "active" and sub.confirmed_at is not None
    assert sub.user == owner  # the owner's address is confirmed: it shows on their account
    assert "_auth_user_id" not in fresh.session
    owner.refresh_from_db()
    assert owner.check_password("correct horse battery staple")  # untouched
    assert fresh.post(link_path(url)).status_code == 200  # a second click is harmless


def test_confirming_never_links_an_unconfirmed_account(client, letters):
    squatter = ReaderFactory(email="victim@example.org", verified=False)
    post_signup(client, "victim@example.org")
    url = Delivery.objects.get(to="victim@example.org").context["confirm_url"]
    Client().post(link_path(url))
    sub = NewsletterSubscription.objects.get(email="victim@example.org")
    assert sub.status == "active" and sub.user is None
    assert squatter.newsletter_subscriptions.count() == 0


def test_expired_and_forged_confirmation_links_explain_themselves(client, letters):
    import time_machine

    post_signup(client, "late@example.org")
    url = Delivery.objects.get(to="late@example.org").context["confirm_url"]
    with time_machine.travel("2099-01-01", tick=False):
        expired = client.get(link_path(url))
    assert expired.status_code == 410
    assert "This link has expired" in expired.content.decode()
    forged = client.get("/newsletters/confirm/not-a-token/")
    assert forged.status_code == 400 and "This link does not work" in forged.content.decode()
    assert client.post("/newsletters/confirm/%00%ff/").status_code == 400


def test_a_signed_in_reader_with_a_confirmed_address_is_subscribed_at_once(client, letters):
    reader = ReaderFactory(email="pat@example.org")
    client.force_login(reader)
    body = post_signup(client, "pat@example.org", HTTP_ORIGIN="http://testserver").content.decode()
    assert "Success! You are signed up for The Daily Briefing." in body
    assert "You might also like:" in body
    sub = NewsletterSubscription.objects.get(email="pat@example.org")
    assert sub.status == "active" and sub.user == reader
    assert not Delivery.objects.filter(to="pat@example.org").exists()


def test_a_signed_in_reader_with_an_unconfirmed_address_confirms_by_email(client, letters):
    reader = ReaderFactory(email="unsure@example.org", verified=False)
    client.force_login(reader)
    body = post_signup(
        client, "unsure@example.org", HTTP_SEC_FETCH_SITE="same-origin"
    ).content.decode()
    assert SUCCESS in body
    assert NewsletterSubscription.objects.get(email="unsure@example.org").status == "pending"


def test_one_click_add_from_the_suggestions(client, letters):
    body = post_signup(client, "more@example.org").content.decode()
    form = re.search(
        r'value="city-desk">\s*<input type="hidden" name="email" value="([^"]+)"', body
    )
    assert form and form[1] == "more@example.org"
    added = re.search(r'name="added" value="([^"]*)"', body)[1]
    assert added == "daily"
    again = client.post(
        SIGNUP, {"email": "more@example.org", "newsletter": "city-desk", "added": added}
    ).content.decode()
    assert SUCCESS in again
    # suggestions move on: neither the daily nor City Desk again
    assert 'aria-label="Add Climate Watch"' in again
    assert 'aria-label="Add The Daily Briefing"' not in again
    assert 'aria-label="Add City Desk"' not in again
    assert NewsletterSubscription.objects.filter(email="more@example.org").count() == 2


def test_repeated_signups_are_idempotent(client, letters):
    for _ in range(3):
        post_signup(client, "twice@example.org")
    assert NewsletterSubscription.objects.filter(email="twice@example.org").count() == 1
    assert Delivery.objects.filter(to="twice@example.org").count() == 1


def test_the_box_on_shared_pages_carries_no_token_and_needs_none(letters):
    response = Client(enforce_csrf_checks=True).post(
        SIGNUP, {"email": "a@example.org", "newsletter": "daily"}
    )
    assert response.status_code == 200  # a stranger's sign-up: double opt-in protects it
    assert NewsletterSubscription.objects.get(email="a@example.org").status == "pending"


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_REFERER": "https://evil.example/page"},
        {},  # no sign of where it came from
    ],
)
def test_a_cross_site_post_cannot_act_for_the_signed_in_reader(letters, headers):
    reader = ReaderFactory(email="victim@example.org")
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(reader)
    body = post_signup(forged, "victim@example.org", **headers).content.decode()
    assert SUCCESS in body  # answered as a stranger's sign-up
    sub = NewsletterSubscription.objects.get(email="victim@example.org")
    assert sub.status == "pending" and sub.user is None
    assert Delivery.objects.get(to="victim@example.org").template == "newsletters/confirm"


def test_hostile_input_is_escaped(client, letters):
    letters["city"].name = "<script>alert(1)</script> City"
    letters["city"].save()
    hostile = '"><script>alert(2)</script>'
    body = post_signup(client, hostile).content.decode()
    assert "<script>alert(2)</script>" not in body
    assert "&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in body
    answer = post_signup(client, "ok@example.org").content.decode()
    assert "<script>alert(1)</script>" not in answer
    assert "&lt;script&gt;alert(1)&lt;/script&gt; City" in answer
    catalogue = client.get("/newsletters/").content.decode()
    assert "<script>alert(1)</script>" not in catalogue


@pytest.mark.parametrize(
    "data",
    [
        {"email": "a@example.org"},
        {"email": "a@example.org", "newsletter": "no-such-letter"},
        {"email": "a@example.org", "newsletter": "retired"},
        {"email": "a@example.org", "newsletter": "../../etc"},
        {"email": "x" * 5000, "newsletter": "daily"},
    ],
)
def test_malformed_posts_get_a_4xx_with_a_message(client, letters, data):
    response = client.post(SIGNUP, data)
    assert response.status_code == 400
    assert "signup-box" in response.content.decode()


def test_per_address_and_per_connection_limits(client, letters, settings):
    settings.RATELIMIT_NEWSLETTER_EMAIL = "2/h"
    settings.RATELIMIT_NEWSLETTER_IP = "4/h"
    assert post_signup(client, "busy@example.org").status_code == 200
    assert post_signup(client, "busy@example.org").status_code == 200
    limited = post_signup(client, "busy@example.org")
    assert limited.status_code == 429
    assert "We have already sent several emails to this address." in limited.content.decode()
    assert 'value="busy@example.org"' in limited.content.decode()
    assert post_signup(client, "other@example.org").status_code == 200
    from_ip = post_signup(client, "third@example.org")
    assert from_ip.status_code == 429
    assert "Too many attempts from your connection." in from_ip.content.decode()


def test_a_signup_never_touches_the_page_cache_generation(client, letters):
    from masthead.core.generation import generation_bump, generation_current

    before = generation_bump()
    post_signup(client, "cache@example.org")
    Client().post(link_path(Delivery.objects.get().context["confirm_url"]))
    assert generation_current() == before


def test_nobody_becomes_a_user_by_signing_up(client, letters):
    post_signup(client, "ghost@example.org")
    assert not get_user_model().objects.filter(email="ghost@example.org").exists()
