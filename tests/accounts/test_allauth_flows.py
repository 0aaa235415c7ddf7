"""Password sign-in, sign-out, reset and sign-up (django-allauth) as a reader sees them."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client

from masthead.accounts.models import User
from masthead.mail.models import Delivery
from tests.accounts.factories import PASSWORD, UserFactory, WallReaderFactory
from tests.tasks import run_pending_tasks

LOGIN = "/accounts/login/"
RESET = "/accounts/password/reset/"
SIGNUP = "/accounts/signup/"


def scrub(html: str, *emails: str) -> str:
    for email in emails:
        html = html.replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_sign_in_page_offers_password_and_link(client, site):
    body = client.get(LOGIN).content.decode()
    assert "Sign in" in body and 'name="login"' in body and 'name="password"' in body
    assert "Forgot your password?" in body
    assert "Email me a sign-in link" in body
    assert "csrfmiddlewaretoken" in body


def test_sign_in_with_password_then_sign_out(client, site):
    reader = UserFactory(email="pat@example.org")
    response = client.post(LOGIN, {"login": "PAT@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert client.session["_auth_user_id"] == str(reader.pk)
    assert "Sign out" in client.get("/account/").content.decode()
    confirm = client.get("/accounts/logout/")
    assert "Are you sure you want to sign out?" in confirm.content.decode()
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_sign_in_returns_to_the_story(client, site):
    UserFactory(email="pat@example.org")
    response = client.post(
        LOGIN, {"login": "pat@example.org", "password": PASSWORD, "next": "/world/a-story/"}
    )
    assert response["Location"] == "/world/a-story/"


def test_wrong_password_and_unknown_address_answer_alike(client, site):
    UserFactory(email="known@example.org")
    known = client.post(LOGIN, {"login": "known@example.org", "password": "wrong password"})
    unknown = client.post(LOGIN, {"login": "nobody@example.org", "password": "wrong password"})
    assert known.status_code == unknown.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        known.content.decode()
    )
    assert 'value="known@example.org"' in known.content.decode()  # input kept
    assert scrub(known.content.decode(), "known@example.org") == scrub(
        unknown.content.decode(), "nobody@example.org"
    )


def test_repeated_failures_are_rate_limited_per_address(client, site):
    UserFactory(email="target@example.org")
    for n in range(5):
        client.post(LOGIN, {"login": "target@example.org", "password": f"guess {n}"})
    blocked = client.post(LOGIN, {"login": "target@example.org", "password": PASSWORD})
    assert "Too many failed login attempts. Try again later." in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_answers_alike_and_emails_each_kind(client, site):
    UserFactory(email="known@example.org")
    known = client.post(RESET, {"email": "known@example.org"}, follow=True)
    unknown = client.post(RESET, {"email": "nobody@example.org"}, follow=True)
    assert "Check your inbox" in known.content.decode()
    assert scrub(known.content.decode()) == scrub(unknown.content.decode())
    templates = dict(Delivery.objects.values_list("to", "template"))
    assert templates == {
        "known@example.org": "accounts/password_reset_key",
        "nobody@example.org": "accounts/unknown_account",
    }


def test_password_reset_end_to_end(client, site):
    reader = WallReaderFactory(email="wall@example.org")  # a wall reader choosing a password
    client.post(RESET, {"email": "wall@example.org"})
    run_pending_tasks()
    [message] = mail.outbox
    assert message.subject == "Choose a new password for The Masthead Courier"
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body)[1]
    assert link in message.alternatives[0][0]
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(
        action, {"password1": "a brand new passphrase", "password2": "a brand new passphrase"}
    )
    assert done.status_code == 302
    reader.refresh_from_db()
    assert reader.check_password("a brand new passphrase")
    # used: the same link now explains itself and offers a new one
    client.logout()
    again = client.get(link, follow=True).content.decode()
    assert "This link no longer works" in again and "Send me a new link" in again


def test_password_reset_is_rate_limited_per_address(client, site):
    UserFactory(email="known@example.org")
    for _ in range(5):
        client.post(RESET, {"email": "known@example.org"})
    limited = client.post(RESET, {"email": "known@example.org"})
    assert limited.status_code == 429
    assert "Too many attempts" in limited.content.decode()
    assert Delivery.objects.filter(to="known@example.org").count() == 5


def test_sign_up_answers_alike_for_a_taken_address(client, site):
    UserFactory(email="taken@example.org")
    data = {"password1": "a long enough passphrase", "password2": "a long enough passphrase"}
    taken = Client().post(SIGNUP, {"email": "taken@example.org", **data}, follow=True)
    fresh = Client().post(SIGNUP, {"email": "fresh@example.org", **data}, follow=True)
    assert "Check your inbox" in fresh.content.decode()
    assert scrub(taken.content.decode(), "taken@example.org") == scrub(
        fresh.content.decode(), "fresh@example.org"
    )
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    templates = dict(Delivery.objects.values_list("to", "template"))
    assert templates == {
        "taken@example.org": "accounts/account_already_exists",
        "fresh@example.org": "accounts/email_confirmation_signup",
    }


def test_sign_up_then_confirm_by_email(client, site):
    data = {"password1": "a long enough passphrase", "password2": "a long enough passphrase"}
    client.post(SIGNUP, {"email": "new@example.org", **data})
    run_pending_tasks()
    [message] = mail.outbox
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body)[1]
    assert "Please confirm that" in client.get(link).content.decode()
    client.post(link)
    # Confirmed in the browser that signed up: signed in, not sent to the sign-in form.
    assert client.get("/account/").status_code == 200
    response = Client().post(LOGIN, {"login": "new@example.org", "password": data["password1"]})
    assert response["Location"] == "/account/"


def test_confirming_in_another_browser_does_not_sign_that_browser_in(client, site):
    """Only the session that signed up (and chose the password) is signed in."""
    data = {"password1": "a long enough passphrase", "password2": "a long enough passphrase"}
    client.post(SIGNUP, {"email": "new@example.org", **data})
    run_pending_tasks()
    [message] = mail.outbox
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body)[1]
    other = Client()
    other.post(link)
    assert other.get("/account/")["Location"].startswith(LOGIN)


def test_every_account_form_needs_csrf(site):
    reader = UserFactory()
    strict = Client(enforce_csrf_checks=True)
    for url, data in [
        (LOGIN, {"login": reader.email, "password": PASSWORD}),
        (RESET, {"email": reader.email}),
        (SIGNUP, {"email": "x@example.org"}),
    ]:
        assert strict.post(url, data).status_code == 403, url
    strict.force_login(reader)
    for url in ("/account/delete/", "/accounts/logout/", "/accounts/password/change/"):
        assert strict.post(url, {}).status_code == 403, url
