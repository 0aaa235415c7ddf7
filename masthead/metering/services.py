"""Write paths for the wall, trials and consent.

Every sign-up answer on screen is the same whatever the address (no account
enumeration); what differs is only which email goes out, and that is decided
here, inside the transaction that records the sign-up, so the email is
enqueued with the account and its consent or not at all.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from masthead.accounts.services import (
    email_address_verify,
    normalise_email,
    reader_get_or_create,
    reader_new,
    safe_next_url,
    signin_link_send,
    users_with_email,
)
from masthead.accounts.tokens import TokenGenerator
from masthead.accounts.verification import address_ever_confirmed
from masthead.core import db
from masthead.core.canonical_email import email_canonical

from .models import Consent, Entitlement, TrialGrant

logger = logging.getLogger(__name__)

# The set-up link in the activation email: a week to follow it, once.
setup_tokens = TokenGenerator(salt="masthead.metering.setup", max_age=timedelta(days=7))
SETUP_VALID_DAYS = 7
# A repeated sign-up (or a resend) inside this window reuses the first email's
# key, so it sends nothing new; after it, a fresh link goes out.
ACTIVATION_RESEND_SECONDS = 3600


def _site():
    from masthead.core.models import SiteSettings

    return SiteSettings.load()


def email_hash(email: str) -> str:
    """A stable fingerprint of the person behind an address, not revealing it at a glance.

    Keyed on ``email_canonical`` (plus-tags, Gmail's dots, look-alike letters
    folded), so one person gets one trial however they spell their address.
    Unkeyed on purpose: it must outlive a change of ``SECRET_KEY`` or the
    one-trial rule would reset with it.
    """
    return hashlib.sha256(f"masthead-trial:{email_canonical(email)}".encode()).hexdigest()


def email_hash_before_canonical(email: str) -> str:
    """The fingerprint grants were recorded under before ``email_canonical`` (still honoured)."""
    canonical = normalise_email(email).lower()
    return hashlib.sha256(f"masthead-trial:{canonical}".encode()).hexdigest()


def account_is_activated(user) -> bool:
    """Whether the reader finished setting up (or signed in some other way).

    A password alone does not count: whoever signed up at ``/accounts/signup/``
    with this address may not own it, so until the address is confirmed the
    wall sends the set-up link (which confirms it) rather than a sign-in link.
    """
    return bool(user.last_login) or address_ever_confirmed(user)


def consent_new(*, user, source: str, ip: str | None, user_agent: str = "", site=None) -> Consent:
    """The reader's agreement to the current terms, as it happens now; not saved."""
    return Consent(
        user=user,
        terms_version=(site or _site()).terms_version,
        ip=ip or None,
        user_agent=(user_agent or "")[:300],
        source=source,
    )


def consent_record(
    *, user, source: str, ip: str | None, user_agent: str = "", site=None
) -> Consent:
    consent = consent_new(user=user, source=source, ip=ip, user_agent=user_agent, site=site)
    consent.save()
    return consent


def setup_url(*, user, next_url: str) -> str:
    token = setup_tokens.make_token(user, data={"next": safe_next_url(next_url)})
    return settings.SITE_URL + reverse("metering:welcome", args=[token])


def activation_send(*, user, next_url: str, site=None) -> None:
    """Enqueue the activation email (in the caller's transaction)."""
    from masthead.mail.services import delivery_enqueue

    delivery_enqueue(activation_delivery(user=user, next_url=next_url, site=site))


def activation_delivery(*, user, next_url: str, site=None):
    """The activation email for ``user`` (saved or with its id reserved), not yet recorded.

    The first one's key is ``wall-activation:<user id>``, so any number of
    repeated sign-ups in the first hour send exactly one email; later repeats
    (the reader lost it) get one fresh link per hour.
    """
    from masthead.mail.services import delivery_new

    age = (timezone.now() - user.date_joined).total_seconds()
    bucket = max(0, int(age // ACTIVATION_RESEND_SECONDS))
    key = f"wall-activation:{user.pk}" + (f":{bucket}" if bucket else "")
    site = site or _site()
    return delivery_new(
        key=key,
        to=user.email,
        template="metering/activation",
        context={
            "setup_url": setup_url(user=user, next_url=next_url),
            "email": user.email,
            "trial_weeks": site.trial_weeks,
            "valid_days": SETUP_VALID_DAYS,
        },
    )


def wall_signup(
    *,
    email: str,
    agreed: bool,
    ip: str | None,
    next_url: str,
    user_agent: str = "",
    site=None,
) -> None:
    """A reader gave their address at the wall: account, consent and one email.

    New or not-yet-activated address: the activation email (set-up link).
    Activated account: a sign-in link instead. Deactivated account: nothing.
    The caller shows the same answer in every case. ``site`` saves a query
    when the caller has the site settings already.
    """
    if not agreed:
        raise ValueError("wall_signup needs the reader's agreement to the terms")
    next_url = safe_next_url(next_url)
    site = site or _site()
    tried = _new_reader_signup(
        email=email, ip=ip, user_agent=user_agent, next_url=next_url, site=site
    )
    if tried is True:
        return
    with transaction.atomic():
        user, created = reader_get_or_create(email=email)
        if created and tried is False:
            # The one statement met no account for this address, so the drawn
            # id (or username) was taken: a sequence set back. Draw afresh.
            db.reserved_ids_forget()
        if not user.is_active:
            return
        consent_record(user=user, source=Consent.WALL, ip=ip, user_agent=user_agent, site=site)
        if not created and account_is_activated(user):
            signin_link_send(user=user, next_url=next_url)
        else:
            activation_send(user=user, next_url=next_url, site=site)


def _new_reader_signup(*, email: str, ip, user_agent: str, next_url: str, site) -> bool | None:
    """The common case, in one statement where the database allows it: an address
    with no account gets its account, consent, activation email and send task.

    The same rows as the general path in ``wall_signup`` (built by the same
    functions), inserted together only if the account goes in. True when done;
    False, with nothing written, when the account's row was refused (the
    address has an account, or a drawn id or the username was taken); None
    when this path cannot run (not PostgreSQL, inside a transaction, or a
    drawn id refused by another table). The general path then runs.
    """
    from masthead.accounts.models import User
    from masthead.mail.models import Delivery
    from masthead.mail.services import send_task_inserted, send_task_row

    if not db.can_insert_with(User):
        return None
    user = reader_new(email=email)
    user.pk = db.reserve_id(User)
    consent = consent_new(user=user, source=Consent.WALL, ip=ip, user_agent=user_agent, site=site)
    delivery = activation_delivery(user=user, next_url=next_url, site=site)
    delivery.pk = db.reserve_id(Delivery)
    task_row = send_task_row(delivery)
    rows = [consent, delivery] + ([task_row] if task_row is not None else [])
    try:
        inserted = db.insert_with(user, *rows)
    except IntegrityError:  # a drawn id already taken (a sequence reset, a restored dump)
        logger.warning("one-statement sign-up refused; drawing new ids", exc_info=True)
        db.reserved_ids_forget()
        return None
    if not inserted:
        return False
    send_task_inserted(delivery, task_row)
    return True


def setup_link_resend(*, email: str, next_url: str) -> None:
    """Send a fresh set-up link, or a sign-in link if the account is set up already.

    For an address with no account, nothing: the page answers the same.
    """
    user = users_with_email(normalise_email(email)).filter(is_active=True).first()
    if user is None:
        return
    with transaction.atomic():
        if account_is_activated(user):
            signin_link_send(user=user, next_url=safe_next_url(next_url))
        else:
            activation_send(user=user, next_url=next_url)


def trial_start(*, user) -> Entitlement | None:
    """Start the free trial, unless this address ever had one (or the reader pays).

    The ``TrialGrant`` row is the lock: its unique hash lets exactly one of any
    number of concurrent or repeated calls through, across account deletions.
    """
    now = timezone.now()
    if Entitlement.objects.active(now).filter(user=user, kind=Entitlement.PAID).exists():
        return None
    if TrialGrant.objects.filter(email_hash=email_hash_before_canonical(user.email)).exists():
        return None
    try:
        with transaction.atomic():
            TrialGrant.objects.create(email_hash=email_hash(user.email), user=user, granted_at=now)
    except IntegrityError:
        return None
    return Entitlement.objects.create(
        user=user,
        kind=Entitlement.TRIAL,
        starts_at=now,
        ends_at=now + timedelta(weeks=_site().trial_weeks),
    )


def reader_activate(
    *, user, password: str | None, ip: str | None, user_agent: str = ""
) -> Entitlement | None:
    """Finish the set-up: verified address, optional password, trial, newsletter, consent.

    Returns the trial started, or None when the address already had its trial.
    The caller signs the reader in afterwards (which also spends the link).
    """
    from masthead.newsletters.services import newsletter_default, newsletter_subscribe

    with transaction.atomic():
        email_address_verify(user=user)  # first: it may discard an unproven password
        if password:
            user.set_password(password)
            user.save(update_fields=["password"])
        trial = trial_start(user=user)
        daily = newsletter_default()
        if daily is not None:
            newsletter_subscribe(user=user, newsletter=daily)
        consent_record(user=user, source=Consent.WELCOME, ip=ip, user_agent=user_agent)
    return trial
