"""The wall's sign-up as its reader meets it, called as the view calls it: the
activation email's words, the consent kept, nothing at all without agreement.

Outside any transaction, as a request makes it: on PostgreSQL that is the
one-statement path production runs (``core.db.insert_with``), which a test in
the test's own transaction would never take."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from masthead.accounts.models import User
from masthead.metering.models import Consent
from masthead.metering.services import setup_link_check, wall_signup
from tests.accounts.factories import WallReaderFactory
from tests.metering.factories import ReaderFactory
from tests.metering.helpers import link_in
from tests.tasks import run_pending_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_activation_email_names_the_address_and_how_long_the_link_works():
    wall_signup(email="new.reader@example.org", agreed=True, ip="203.0.113.5", next_url="/")
    run_pending_tasks()
    [message] = mail.outbox
    assert message.to == ["new.reader@example.org"]
    assert "(new.reader@example.org)" in message.body
    assert "The link works once, for 7 days." in message.body
    html, _ = message.alternatives[0]
    assert "<strong>new.reader@example.org</strong>" in html
    assert "The link works once, for 7 days." in html


def test_without_agreement_nobody_is_signed_up_and_nothing_is_sent():
    with pytest.raises(ValueError, match="^wall_signup needs the reader's agreement to the terms$"):
        wall_signup(email="new.reader@example.org", agreed=False, ip="203.0.113.5", next_url="/")
    run_pending_tasks()
    assert not User.objects.exists() and not Consent.objects.exists()
    assert mail.outbox == []


def test_the_consent_keeps_the_address_and_browser_it_came_from():
    wall_signup(
        email="new.reader@example.org",
        agreed=True,
        ip="203.0.113.5",
        next_url="/",
        user_agent="Mozilla/5.0 (X11; Linux x86_64)",
    )
    wall_signup(email="other.reader@example.org", agreed=True, ip="203.0.113.6", next_url="/")
    kept = Consent.objects.filter(source=Consent.WALL).values_list(
        "user__email", "ip", "user_agent"
    )
    assert sorted(kept) == [
        ("new.reader@example.org", "203.0.113.5", "Mozilla/5.0 (X11; Linux x86_64)"),
        ("other.reader@example.org", "203.0.113.6", ""),  # named no browser
    ]


def test_the_set_up_link_leads_back_to_the_story_the_reader_was_reading():
    wall_signup(email="new.reader@example.org", agreed=True, ip="203.0.113.5", next_url="/world/a/")
    run_pending_tasks()
    [message] = mail.outbox
    token = re.search(r"/welcome/([^/\s]+)/", message.body).group(1)
    assert setup_link_check(token=token).next_url == "/world/a/"


def test_a_set_up_reader_at_the_wall_gets_a_sign_in_link_back_to_the_story(home):
    """An address with an account: on PostgreSQL the one statement reads the
    account, and a second writes its consent and its email."""
    ReaderFactory(email="known@example.org")
    wall_signup(
        email="Known@example.org",
        agreed=True,
        ip="203.0.113.7",
        next_url="/world/a/",
        user_agent="Mozilla/5.0 (Known)",
    )
    run_pending_tasks()
    [message] = mail.outbox
    assert message.to == ["known@example.org"]
    assert "Activate" not in message.subject
    assert Client().post(link_in(message.body, "/account/sign-in-link/"))["Location"] == "/world/a/"
    kept = Consent.objects.filter(source=Consent.WALL).values_list(
        "user__email", "ip", "user_agent"
    )
    assert list(kept) == [("known@example.org", "203.0.113.7", "Mozilla/5.0 (Known)")]


def test_a_reader_who_never_set_up_gets_a_set_up_link_back_to_the_story():
    WallReaderFactory(email="known@example.org")
    wall_signup(email="known@example.org", agreed=True, ip="203.0.113.7", next_url="/world/a/")
    run_pending_tasks()
    [message] = mail.outbox
    assert message.subject.startswith("Activate")
    token = re.search(r"/welcome/([^/\s]+)/", message.body).group(1)
    assert setup_link_check(token=token).next_url == "/world/a/"


def test_a_browser_name_longer_than_the_record_keeps_holds_its_first_300_characters():
    agent = "Mozilla/5.0 " + "(extension; " * 40
    wall_signup(
        email="new.reader@example.org",
        agreed=True,
        ip="203.0.113.5",
        next_url="/",
        user_agent=agent,
    )
    assert Consent.objects.get().user_agent == agent[:300]
