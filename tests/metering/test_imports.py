"""Past wall sign-ups brought in: dated as they happened, and the trial counts as taken."""

from __future__ import annotations

from datetime import UTC, datetime

from masthead.metering.imports import PastSignup, wall_signups_import
from masthead.metering.models import Consent, Entitlement
from masthead.metering.services import trial_start

SIGNED_UP = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
TRIAL = datetime(2026, 2, 2, 18, 0, tzinfo=UTC)


def test_a_past_signup_keeps_its_dates_and_its_trial_is_spent(db, mailoutbox):
    added = wall_signups_import(
        [
            PastSignup("Old.Reader@example.org", SIGNED_UP, TRIAL),
            PastSignup("b@example.org", SIGNED_UP),
        ]
    )
    assert added == 2
    consent = Consent.objects.get(user__email__iexact="old.reader@example.org")
    assert (consent.source, consent.agreed_at) == (Consent.WALL, SIGNED_UP)
    assert (consent.ip, consent.user_agent) == (None, "")  # neither was recorded then
    trial = Entitlement.objects.get()
    assert trial.kind == Entitlement.TRIAL and trial.starts_at == TRIAL
    assert trial_start(user=trial.user) is None  # one trial per address, imported or not
    assert mailoutbox == []


def test_an_address_with_an_account_is_skipped_whole(db, reader):
    assert wall_signups_import([PastSignup(reader.email, SIGNED_UP, TRIAL)]) == 0
    assert not Consent.objects.filter(user=reader, source=Consent.WALL).exists()
    assert not Entitlement.objects.filter(user=reader).exists()
