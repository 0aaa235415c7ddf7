"""The pre-account hijack, on every path that confirms an address.

Someone signs up at /accounts/signup/ with another person's address and a
password of their choosing. The account waits unconfirmed. Whatever way the
real owner later proves they read that inbox, the first person must not be
able to sign in afterwards, and the owner must end up signed in to their
account. The emailed links are followed as a reader would: the test takes
whatever link the email holds.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from masthead.accounts.models import User
from tests.metering.helpers import link_in
from tests.tasks import run_pending_tasks

VICTIM = "owner@example.org"
ATTACKER_PASSWORD = "attacker chose this 1234"
LOGIN = "/accounts/login/"


@pytest.fixture
def attacker(home):
    """The first person: signs up with the owner's address and keeps the password."""
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {"email": VICTIM, "password1": ATTACKER_PASSWORD, "password2": ATTACKER_PASSWORD},
    )
    assert response.status_code == 302
    run_pending_tasks()
    mail.outbox.clear()  # the confirmation went to the owner's inbox, not the attacker's
    return client


def last_email_to(address: str):
    run_pending_tasks()
    messages = [m for m in mail.outbox if address in m.to]
    assert messages, f"no email to {address}"
    return messages[-1]


def follow_emailed_link(client: Client, message) -> None:
    """Do what the email asks: finish set-up (without a password) or sign in."""
    if "/welcome/" in message.body:
        link = link_in(message.body, "/welcome/")
        assert client.get(link).status_code == 200
        assert client.post(link, {"mode": "link"}).status_code == 302
    else:
        link = link_in(message.body, "/account/sign-in-link/")
        assert client.get(link).status_code == 200
        assert client.post(link).status_code == 302


def signed_in_as(client: Client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id).email if user_id else None


def attacker_cannot_sign_in() -> None:
    fresh = Client()
    fresh.post(LOGIN, {"login": VICTIM, "password": ATTACKER_PASSWORD})
    assert signed_in_as(fresh) is None


def test_owner_signs_up_at_the_wall_and_follows_the_link(attacker, stories):
    owner = Client()
    story = stories[0]
    owner.post("/wall/", {"email": VICTIM, "agree": "1", "story": story.pk, "next": story.url})
    follow_emailed_link(owner, last_email_to(VICTIM))
    assert signed_in_as(owner) == VICTIM
    attacker_cannot_sign_in()
    assert signed_in_as(owner) == VICTIM  # the owner's own session survives


def test_the_wall_sends_the_set_up_link_with_its_trial(attacker, stories):
    """A password nobody has confirmed is not an activated account: the owner
    gets the activation email, and with it the trial."""
    from masthead.metering.models import Entitlement

    owner = Client()
    owner.post("/wall/", {"email": VICTIM, "agree": "1", "story": stories[0].pk})
    message = last_email_to(VICTIM)
    assert "/welcome/" in message.body
    follow_emailed_link(owner, message)
    assert Entitlement.objects.filter(user__email=VICTIM, kind=Entitlement.TRIAL).exists()
    attacker_cannot_sign_in()


def test_owner_chooses_a_password_at_set_up(attacker, stories):
    owner = Client()
    owner.post("/wall/", {"email": VICTIM, "agree": "1", "story": stories[0].pk})
    link = link_in(last_email_to(VICTIM).body, "/welcome/")
    mine = "the owner's own passphrase 77"
    owner.post(link, {"mode": "password", "password1": mine, "password2": mine})
    attacker_cannot_sign_in()
    fresh = Client()
    fresh.post(LOGIN, {"login": VICTIM, "password": mine})
    assert signed_in_as(fresh) == VICTIM


def test_owner_asks_for_a_sign_in_link(attacker):
    owner = Client()
    owner.post("/account/sign-in-link/", {"email": VICTIM})
    follow_emailed_link(owner, last_email_to(VICTIM))
    assert signed_in_as(owner) == VICTIM
    attacker_cannot_sign_in()


def test_owner_opens_the_sign_up_confirmation_in_their_own_browser(home):
    attacker = Client()
    attacker.post(
        "/accounts/signup/",
        {"email": VICTIM, "password1": ATTACKER_PASSWORD, "password2": ATTACKER_PASSWORD},
    )
    message = last_email_to(VICTIM)
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body)[1]
    owner = Client()
    assert owner.post(link).status_code == 302
    attacker_cannot_sign_in()
    # Nor does the attacker's own waiting browser get in by confirming later.
    attacker.post(link)
    assert signed_in_as(attacker) is None


def test_confirming_in_the_browser_that_signed_up_keeps_the_password(home):
    reader = Client()
    reader.post(
        "/accounts/signup/",
        {"email": VICTIM, "password1": ATTACKER_PASSWORD, "password2": ATTACKER_PASSWORD},
    )
    link = re.search(
        r"http://testserver(/accounts/confirm-email/\S+/)", last_email_to(VICTIM).body
    )[1]
    reader.post(link)
    fresh = Client()
    fresh.post(LOGIN, {"login": VICTIM, "password": ATTACKER_PASSWORD})
    assert signed_in_as(fresh) == VICTIM


def test_a_confirmed_account_keeps_its_password_through_a_sign_in_link(home):
    from tests.accounts.factories import PASSWORD, UserFactory

    UserFactory(email=VICTIM)
    owner = Client()
    owner.post("/account/sign-in-link/", {"email": VICTIM})
    follow_emailed_link(owner, last_email_to(VICTIM))
    fresh = Client()
    fresh.post(LOGIN, {"login": VICTIM, "password": PASSWORD})
    assert signed_in_as(fresh) == VICTIM


def test_an_operators_staff_account_keeps_its_password(home):
    """``createsuperuser`` (or the demo loader) sets a password, then confirms the address."""
    from masthead.accounts.services import email_address_verify

    admin = User.objects.create_superuser("editor", VICTIM, ATTACKER_PASSWORD)
    email_address_verify(user=admin)
    fresh = Client()
    fresh.post(LOGIN, {"login": VICTIM, "password": ATTACKER_PASSWORD})
    assert signed_in_as(fresh) == VICTIM
