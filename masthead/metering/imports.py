"""Past sign-ups brought in from elsewhere: another system's readers, or the demo's.

A newsroom moving to Masthead has readers who signed up at a wall and took
a trial long before; the dashboard's sign-up and trial charts should show
them on the day they happened. ``wall_signups_import`` writes what the wall
and the set-up would have written at that time (the reader's account, the
wall consent, the trial and its one-per-address grant) and sends nothing:
these readers confirmed their address where they signed up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from masthead.accounts.services import email_address_verify, reader_get_or_create
from masthead.core.models import SiteSettings

from .models import Consent, Entitlement, TrialGrant
from .services import consent_new, email_hash


@dataclass(frozen=True)
class PastSignup:
    email: str
    signed_up_at: datetime
    trial_started_at: datetime | None = None  # None: no trial (yet)


def wall_signups_import(signups: Iterable[PastSignup]) -> int:
    """Write past wall sign-ups (and their trials); returns how many readers were new.

    An address that already has an account is skipped whole, so running an
    import twice changes nothing.
    """
    site = SiteSettings.load()
    added = 0
    with transaction.atomic():
        for signup in signups:
            user, created = reader_get_or_create(email=signup.email)
            if not created:
                continue
            added += 1
            consent = consent_new(user=user, source=Consent.WALL, ip=None, site=site)
            consent.agreed_at = signup.signed_up_at
            consent.save()
            started = signup.trial_started_at
            if started is None:
                continue
            email_address_verify(user=user)  # a trial follows a confirmed address
            TrialGrant.objects.create(
                email_hash=email_hash(user.email), user=user, granted_at=started
            )
            Entitlement.objects.create(
                user=user, kind=Entitlement.TRIAL, starts_at=started,
                ends_at=started + timedelta(weeks=site.trial_weeks),
            )  # fmt: skip
    return added
