"""The wall's sign-up as its reader meets it, called as the view calls it: the
activation email's words, the consent kept, nothing at all without agreement."""

from __future__ import annotations

import pytest
from django.core import mail

from masthead.accounts.models import User
from masthead.metering.models import Consent
from masthead.metering.services import wall_signup
from tests.tasks import run_pending_tasks

pytestmark = pytest.mark.django_db


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


def test_a_sign_up_that_names_no_browser_keeps_an_empty_user_agent():
    wall_signup(email="new.reader@example.org", agreed=True, ip="203.0.113.5", next_url="/")
    consent = Consent.objects.get(user__email="new.reader@example.org")
    assert (consent.source, consent.ip, consent.user_agent) == (Consent.WALL, "203.0.113.5", "")
