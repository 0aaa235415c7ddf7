"""Write paths for the wall, trials and consent.

Every sign-up answer on screen is the same whatever the address (no account
enumeration); what differs is only which email goes out, and that is decided
here, inside the transaction that records the sign-up, so the email is
enqueued with the account and its consent or not at all.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from masthead.accounts.services import (
    email_address_verify,
    normalise_email,
    reader_found,
    reader_get_or_create,
    reader_lookup,
    reader_row,
    safe_next_url,
    signin_link_email,
    signin_link_send,
    users_with_email,
)
from masthead.accounts.tokens import TokenGenerator, TokenStatus
from masthead.accounts.verification import address_ever_confirmed
from masthead.core import db
from masthead.core.canonical_email import email_canonical
from masthead.mail.rows import email_rows, email_rows_inserted
from masthead.mail.services import email_enqueue

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


def account_is_activated(user, *, address_confirmed: bool | None = None) -> bool:
    """Whether the reader finished setting up (or signed in some other way).

    A password alone does not count: whoever signed up at ``/accounts/signup/``
    with this address may not own it, so until the address is confirmed the
    wall sends the set-up link (which confirms it) rather than a sign-in link.
    ``address_confirmed``, when the caller read it already, saves the query.
    """
    if user.last_login:
        return True
    return address_ever_confirmed(user) if address_confirmed is None else address_confirmed


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


def activation_send(*, user, next_url: str) -> None:
    """Enqueue the activation email (in the caller's transaction)."""
    email_enqueue(**activation_email(user=user, next_url=next_url))


def activation_email(*, user, next_url: str, site=None) -> dict:
    """The activation email for ``user`` (saved, or with its key drawn), as the
    arguments of mail's ``email_enqueue`` / ``email_rows``.

    The first one's key is ``wall-activation:<user id>``, so any number of
    repeated sign-ups in the first hour send exactly one email; later repeats
    (the reader lost it) get one fresh link per hour.
    """
    age = (timezone.now() - user.date_joined).total_seconds()
    bucket = max(0, int(age // ACTIVATION_RESEND_SECONDS))
    key = f"wall-activation:{user.pk}" + (f":{bucket}" if bucket else "")
    site = site or _site()
    return {
        "key": key,
        "to": user.email,
        "template": "metering/activation",
        "context": {
            "setup_url": setup_url(user=user, next_url=next_url),
            "email": user.email,
            "trial_weeks": site.trial_weeks,
            "valid_days": SETUP_VALID_DAYS,
        },
    }


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
    tried = _signup_in_one_statement(
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
        email_enqueue(**_wall_email(user, new=created, next_url=next_url, site=site))


def _wall_email(user, *, new: bool, next_url: str, site, address_confirmed=None) -> dict:
    """The email a wall sign-up is due, as mail's ``email_enqueue`` / ``email_rows``
    arguments: a sign-in link for a reader who finished setting up, else the
    activation email (its set-up link). Both wall paths ask here."""
    if not new and account_is_activated(user, address_confirmed=address_confirmed):
        return signin_link_email(user=user, next_url=next_url)
    return activation_email(user=user, next_url=next_url, site=site)


def _signup_in_one_statement(
    *, email: str, ip, user_agent: str, next_url: str, site
) -> bool | None:
    """A sign-up in one statement where the database allows it, the same work
    whether or not the address has an account (so its timing tells nothing).

    The statement inserts a new reader's account, consent, activation email and
    send task, or, if the address has an account, inserts nothing and reads
    that account instead; then a known address's consent and email (activation
    or sign-in link, chosen by the account read) go in by a second statement.
    Each app builds its own rows: accounts the account (``reader_row``) and
    its lookup (``reader_lookup``), this app the consent, mail the email and
    its task (``email_rows``, handed back with ``email_rows_inserted``).

    True when done; False, with nothing written, when the account's row was
    refused and no account was read (a drawn id or the username was taken, or
    the account was committed while the statement ran); None when this path
    cannot run (not PostgreSQL, inside a transaction, or a drawn id refused by
    another table). The general path in ``wall_signup`` then runs.
    """
    if not db.can_insert_with(Consent):
        return None
    user = reader_row(email=email)
    consent = consent_new(user=user, source=Consent.WALL, ip=ip, user_agent=user_agent, site=site)
    email_out = email_rows(**activation_email(user=user, next_url=next_url, site=site))
    try:
        outcome = db.insert_with_or_read(
            user, consent, *email_out.rows, read=reader_lookup(email=email)
        )
        if outcome.found is not None:
            return _known_reader_signup(
                reader_found(outcome.found),
                ip=ip, user_agent=user_agent, next_url=next_url, site=site,
            )  # fmt: skip
    except IntegrityError:  # a drawn id already taken (a sequence reset, a restored dump)
        logger.warning("one-statement sign-up refused; drawing new ids", exc_info=True)
        db.reserved_ids_forget()
        return None
    if not outcome.inserted:
        return False
    email_rows_inserted(email_out)
    return True


def _known_reader_signup(found, *, ip, user_agent: str, next_url: str, site) -> bool:
    """The second statement for an address with an account: its consent, and
    the email it is due unless that email went out already (same key)."""
    user = found.user
    if not user.is_active:
        return True
    email_out = email_rows(
        **_wall_email(
            user, new=False, next_url=next_url, site=site,
            address_confirmed=found.address_confirmed,
        )
    )  # fmt: skip
    consent = consent_new(user=user, source=Consent.WALL, ip=ip, user_agent=user_agent, site=site)
    if db.insert_with(*email_out.rows, alongside=(consent,), conflict_on=("key",)):
        email_rows_inserted(email_out)
    return True


@dataclass(frozen=True)
class SetupLink:
    """A set-up link that holds: whose account, and where the reader returns to."""

    user: object
    next_url: str
    followed: bool = False  # the signed-in reader used it a moment ago (a double click)


def setup_link_check(*, token: str, reader=None) -> SetupLink:
    """The set-up link ``token``, or ``LinkExpired`` / ``LinkUsed`` / ``LinkInvalid``
    (each carrying ``next_url``). A link the signed-in ``reader`` has just used
    is no refusal: they clicked "Continue" twice, and go on to the story."""
    check = setup_tokens.check_token(token)
    next_url = safe_next_url((check.data or {}).get("next"))
    if check.ok:
        return SetupLink(user=check.user, next_url=next_url)
    if (
        check.status is TokenStatus.USED
        and reader is not None
        and reader.is_authenticated
        and reader.pk == getattr(check.user, "pk", None)
    ):
        return SetupLink(user=check.user, next_url=next_url, followed=True)
    raise check.refusal(next_url=next_url)


def setup_finish(
    *,
    link: SetupLink,
    token: str,
    password: str | None,
    ip: str | None,
    user_agent: str = "",
    sign_in: Callable[[object], None],
) -> bool:
    """Finish the set-up by ``link`` once, however often it is posted.

    The account row is locked and the link checked again under the lock, so
    of two quick POSTs the second waits, then finds the link spent (signing in
    changes the state its hash covers) and does nothing. ``sign_in`` runs in
    the same transaction. Returns whether this call finished it.
    """
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=link.user.pk)
        if not setup_tokens.check_token(token).ok:
            return False
        reader_activate(user=user, password=password, ip=ip, user_agent=user_agent)
        sign_in(user)
    return True


def subscription_notice(*, user) -> str | None:
    """The one-time word after set-up: what the reader now has, and until when."""
    from .entitlements import reader_entitlement

    entitlement = reader_entitlement(user)
    if entitlement is None or not entitlement.active:
        return None
    until = timezone.localtime(entitlement.ends_at)
    kind = "free digital subscription" if entitlement.kind == Entitlement.TRIAL else "subscription"
    return f"Your {kind} is active until {until:%B} {until.day}, {until.year}."


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
