"""From the wall to a set-up account: the email, the link, the trial, back to the story."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from masthead.accounts.models import User
from masthead.mail.models import Delivery
from masthead.metering import services
from masthead.metering.models import Consent, Entitlement, TrialGrant
from masthead.newsletters.models import NewsletterSubscription
from tests.metering.factories import EntitlementFactory, ReaderFactory
from tests.metering.helpers import THANKS, link_in, text
from tests.tasks import run_pending_tasks

PASSWORD = "a long harbour password 42"


def sign_up(client, story, email="reader@example.org"):
    response = client.post(
        "/wall/", {"email": email, "agree": "1", "next": story.url, "story": story.pk}
    )
    assert response.status_code == 302
    return response


def setup_link(email="reader@example.org") -> str:
    delivery = Delivery.objects.get(to=email, template="metering/activation")
    return delivery.context["setup_url"].removeprefix("http://testserver")


def test_whole_flow_through_a_real_smtp_server(client, stories, site_settings, smtp_backend):
    _whole_flow(client, stories, site_settings, smtp_backend)


@pytest.mark.django_db(transaction=True)
def test_whole_flow_with_each_request_committing(client, stories, site_settings, smtp_backend):
    """As in production: on PostgreSQL the sign-up is then one statement
    (``core.db.insert_with``), a path SQLite never takes, so CI's PostgreSQL run
    is where this flow tests it."""
    _whole_flow(client, stories, site_settings, smtp_backend)


def _whole_flow(client, stories, site_settings, smtp_backend):
    site_settings.site_name = "The Harbour Gazette"
    site_settings.save()
    story = stories[3]
    for read in stories[:3]:
        client.get(read.url)
    walled = client.get(story.url).content.decode()
    assert "To keep reading, please enter your email address." in walled
    assert "Story 4 paragraph 6." not in walled

    thanks = client.get(sign_up(client, story)["Location"])
    assert THANKS in text(thanks)
    assert run_pending_tasks() >= 1
    [message] = smtp_backend.wait_for(1)
    assert message["To"] == "reader@example.org"
    assert message["Subject"] == "Activate your free digital subscription to The Harbour Gazette"
    assert "The Harbour Gazette" in message["From"]
    plain = message.get_body(("plain",)).get_content()
    rich = message.get_body(("html",)).get_content()
    assert "free 6-week digital subscription" in plain
    assert "The Harbour Gazette" in rich and "Set up your account" in rich
    path = link_in(plain, "/welcome/")
    assert link_in(rich, "/welcome/") == path

    page = client.get(path)
    assert page.status_code == 200
    words = text(page)
    assert "Welcome to The Harbour Gazette" in words
    assert "reader@example.org" in words
    assert "By continuing you agree to the Terms of Service and Privacy Policy." in words

    finished = client.post(path, {"password1": PASSWORD, "password2": PASSWORD, "mode": "password"})
    assert finished.status_code == 302
    assert finished["Location"] == story.url
    whole = client.get(story.url).content.decode()
    assert "Story 4 paragraph 6." in whole
    assert "To keep reading" not in whole

    user = User.objects.get(email="reader@example.org")
    assert user.check_password(PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    trial = Entitlement.objects.get(user=user)
    assert trial.kind == "trial" and trial.active
    assert trial.ends_at - trial.starts_at == timedelta(weeks=6)
    # Said once, on the story the reader came back to; not on the next page.
    until = timezone.localtime(trial.ends_at)
    notice = f"Your free digital subscription is active until {until:%B} {until.day}, {until.year}."
    assert whole.count(notice) == 1
    assert notice not in client.get(story.url).content.decode()
    sub = NewsletterSubscription.objects.get(user=user)
    assert sub.newsletter.slug == "daily" and sub.status == "active" and sub.confirmed_at
    assert sorted(Consent.objects.filter(user=user).values_list("source", flat=True)) == [
        "wall",
        "welcome",
    ]
    assert all(c.ip == "127.0.0.1" and c.terms_version for c in Consent.objects.all())
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_continue_without_a_password(client, walled_story):
    sign_up(client, walled_story)
    response = client.post(setup_link(), {"mode": "link"})
    assert response.status_code == 302
    user = User.objects.get()
    assert not user.has_usable_password()
    assert Entitlement.objects.filter(user=user).exists()
    assert "Story 1 paragraph 6." in client.get(walled_story.url).content.decode()


def test_password_errors_show_in_the_page(client, walled_story):
    sign_up(client, walled_story)
    path = setup_link()
    mismatch = client.post(path, {"password1": PASSWORD, "password2": "other", "mode": "password"})
    assert mismatch.status_code == 400
    assert "The two passwords do not match." in text(mismatch)
    weak = client.post(path, {"password1": "123", "password2": "123", "mode": "password"})
    assert "This password is too short." in text(weak)
    empty = client.post(path, {"password1": "", "password2": "", "mode": "password"})
    assert "Please choose a password, or continue without one." in text(empty)
    assert not Entitlement.objects.exists()
    # the link still works after mistakes
    assert client.post(path, {"mode": "link"}).status_code == 302


def test_opening_the_link_does_not_spend_it(client, walled_story):
    sign_up(client, walled_story)
    path = setup_link()
    for _ in range(3):
        assert client.get(path).status_code == 200
    assert client.post(path, {"mode": "link"}).status_code == 302


def test_used_link_says_so_and_offers_a_new_one(client, walled_story):
    sign_up(client, walled_story)
    path = setup_link()
    client.post(path, {"mode": "link"})
    # a double click from the signed-in reader goes straight back to the story,
    # as does opening the link again (not the set-up form a second time)
    assert client.post(path, {"mode": "link"})["Location"] == walled_story.url
    again = client.get(path)
    assert again.status_code == 302 and again["Location"] == walled_story.url
    other = Client()
    response = other.get(path)
    assert response.status_code == 410
    words = text(response)
    assert "This link has already been used." in words
    assert "Send me a new link" in words
    assert Entitlement.objects.count() == 1


def test_a_used_link_offers_a_new_one_that_returns_to_the_same_story(client, walled_story):
    sign_up(client, walled_story)
    path = setup_link()
    client.post(path, {"mode": "link"})
    page = Client().get(path).content.decode()
    assert f'<input type="hidden" name="next" value="{walled_story.url}">' in page


def test_a_link_checked_twice_before_either_finishes_sets_up_once(client, walled_story):
    """Two POSTs of one link that both passed the view's check: the second finds
    the link spent under the lock and changes nothing."""
    from django.contrib.auth import login

    sign_up(client, walled_story)
    token = setup_link().rstrip("/").rsplit("/", 1)[-1]
    first = services.setup_link_check(token=token)
    second = services.setup_link_check(token=token)
    request = client.get("/").wsgi_request

    def sign_in(user):
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")

    finish = {"token": token, "password": None, "ip": "203.0.113.5", "sign_in": sign_in}
    assert services.setup_finish(link=first, **finish) is True
    assert services.setup_finish(link=second, **finish) is False
    assert Consent.objects.filter(source=Consent.WELCOME).count() == 1
    assert TrialGrant.objects.count() == 1


def test_expired_link_says_so(client, walled_story):
    sign_up(client, walled_story)
    path = setup_link()
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.get(path)
        assert response.status_code == 410
        assert "This link has expired." in text(response)
        assert client.post(path, {"mode": "link"}).status_code == 410
    assert not Entitlement.objects.exists()


@pytest.mark.parametrize("token", ["garbage", "eyJ1Ijo.forged.sig", "x" * 500])
def test_forged_link_is_not_valid(client, walled_story, token):
    response = client.get(f"/welcome/{token}/")
    assert response.status_code == 400
    assert "This link is not valid." in text(response)


def test_tampered_token_is_not_valid(client, walled_story):
    sign_up(client, walled_story)
    path = setup_link()
    token = path.split("/")[2]
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert "This link is not valid." in text(client.get(f"/welcome/{tampered}/"))


def test_resend_answers_the_same_for_any_address(client, walled_story):
    sign_up(client, walled_story)
    ReaderFactory(email="known@example.org")
    answers = []
    for email in ["reader@example.org", "known@example.org", "nobody@example.org"]:
        response = client.post("/welcome/resend/", {"email": email, "next": walled_story.url})
        assert response.status_code == 200
        answers.append(text(response))
    assert answers[0] == answers[1] == answers[2]
    assert "Thank you." in answers[0]
    assert Delivery.objects.filter(to="known@example.org", template="accounts/signin_link").exists()
    assert not Delivery.objects.filter(to="nobody@example.org").exists()


def test_resend_after_expiry_sends_a_fresh_link(client, walled_story):
    sign_up(client, walled_story)
    old = setup_link()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        client.post("/welcome/resend/", {"email": "reader@example.org", "next": walled_story.url})
        deliveries = Delivery.objects.filter(template="metering/activation").order_by("pk")
        assert deliveries.count() == 2
        fresh = deliveries.last().context["setup_url"].removeprefix("http://testserver")
        assert fresh != old
        assert client.post(fresh, {"mode": "link"})["Location"] == walled_story.url


def test_resend_refuses_a_bad_address_in_the_page(client, walled_story):
    response = client.post("/welcome/resend/", {"email": "nope"})
    assert response.status_code == 400
    assert "Please enter a valid email address" in text(response)
    assert 'value="nope"' in response.content.decode()


def test_resend_counts_against_the_walls_limit_per_address(client, walled_story, settings):
    settings.RATELIMIT_WALL_EMAIL = "2/h"
    for _ in range(2):
        response = client.post("/welcome/resend/", {"email": "busy@example.org"})
        assert response.status_code == 200
    limited = client.post("/welcome/resend/", {"email": "Busy@example.org"})
    assert limited.status_code == 429
    assert "We have already sent several emails to this address" in text(limited)
    assert 'value="Busy@example.org"' in limited.content.decode()


def test_one_trial_per_email_even_after_deletion(client, walled_story, site_settings):
    from masthead.accounts.services import account_delete

    sign_up(client, walled_story, email="Once@Example.org")
    client.post(setup_link("Once@example.org"), {"mode": "link"})
    assert Entitlement.objects.filter(kind="trial").count() == 1
    account_delete(user=User.objects.get())
    assert not User.objects.exists() and TrialGrant.objects.count() == 1
    client.logout()

    site_settings.registered_allowance = 0
    site_settings.save()
    sign_up(client, walled_story, email="once@example.org")
    client.post(setup_link("once@example.org"), {"mode": "link"})
    user = User.objects.get()
    assert not Entitlement.objects.filter(user=user).exists()
    assert "Story 1 paragraph 6." not in client.get(walled_story.url).content.decode()


def test_trial_start_is_idempotent(db):
    user = ReaderFactory()
    assert services.trial_start(user=user) is not None
    assert services.trial_start(user=user) is None
    assert Entitlement.objects.count() == 1


def test_existing_account_gets_a_sign_in_link_that_returns_to_the_story(
    client, walled_story, smtp_backend
):
    ReaderFactory(email="known@example.org")
    sign_up(client, walled_story, email="known@example.org")
    run_pending_tasks()
    [message] = smtp_backend.wait_for(1)
    assert "Activate" not in message["Subject"]
    path = link_in(message.get_body(("plain",)).get_content(), "/account/sign-in-link/")
    assert client.post(path)["Location"] == walled_story.url


@pytest.mark.parametrize(
    "reader",
    [
        {"last_login": None},  # confirmed (an operator made the account), never signed in
        {"verified": False},  # signed in, address never confirmed
    ],
    ids=["confirmed-never-signed-in", "signed-in-never-confirmed"],
)
def test_a_reader_who_confirmed_or_signed_in_gets_a_sign_in_link(client, walled_story, reader):
    """Either proof of owning the account is enough: no second set-up link."""
    ReaderFactory(email="known@example.org", **reader)
    sign_up(client, walled_story, email="known@example.org")
    sent = Delivery.objects.filter(to="known@example.org")
    assert list(sent.values_list("template", flat=True)) == ["accounts/signin_link"]


def test_resend_to_a_set_up_reader_sends_a_sign_in_link_back_to_the_story(
    client, walled_story, smtp_backend
):
    ReaderFactory(email="known@example.org")
    client.post("/welcome/resend/", {"email": "known@example.org", "next": walled_story.url})
    run_pending_tasks()
    [message] = smtp_backend.wait_for(1)
    assert "Activate" not in message["Subject"]
    path = link_in(message.get_body(("plain",)).get_content(), "/account/sign-in-link/")
    assert client.post(path)["Location"] == walled_story.url


def test_each_consent_records_the_browser_that_gave_it(client, walled_story):
    """The record of agreement names the browser at the wall and at set-up."""
    client.post(
        "/wall/",
        {"email": "reader@example.org", "agree": "1", "next": walled_story.url},
        HTTP_USER_AGENT="Wall Browser/1.0",
    )
    client.post(setup_link(), {"mode": "link"}, HTTP_USER_AGENT="Set-up Browser/2.0")
    agents = dict(Consent.objects.values_list("source", "user_agent"))
    assert agents == {Consent.WALL: "Wall Browser/1.0", Consent.WELCOME: "Set-up Browser/2.0"}


def test_a_paying_reader_gets_no_trial_and_others_still_do(db):
    paying = EntitlementFactory(kind=Entitlement.PAID).user
    assert services.trial_start(user=paying) is None
    assert list(Entitlement.objects.filter(user=paying).values_list("kind", flat=True)) == [
        Entitlement.PAID
    ]
    newcomer = ReaderFactory()
    assert services.trial_start(user=newcomer).kind == Entitlement.TRIAL


def test_the_trial_grant_names_its_reader(db):
    """The one-trial record says whose trial it was (until the account is deleted)."""
    reader = ReaderFactory()
    services.trial_start(user=reader)
    assert TrialGrant.objects.get().user == reader


def test_the_word_after_set_up_names_a_paid_subscription_and_no_ended_one(db):
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        paid = EntitlementFactory(
            kind=Entitlement.PAID, ends_at=datetime(2026, 7, 4, 9, tzinfo=UTC)
        )
        assert services.subscription_notice(user=paid.user) == (
            "Your subscription is active until July 4, 2026."
        )
        ended = EntitlementFactory(ends_at=datetime(2026, 3, 1, tzinfo=UTC))
        assert services.subscription_notice(user=ended.user) is None
        assert services.subscription_notice(user=ReaderFactory()) is None
