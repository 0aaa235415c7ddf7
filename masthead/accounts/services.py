"""Write paths for reader accounts."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH
from django.db import IntegrityError, router, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from masthead.core import db
from masthead.core.db import insert_or_ignore
from masthead.core.emails import same_email
from masthead.core.errors import LinkInvalid
from masthead.core.ids import time_ordered_token

from .models import User
from .signals import account_deleting
from .tokens import TokenGenerator
from .verification import unproven_password_revoke

# Short: a sign-in link is a key to the account lying in an inbox.
signin_link_tokens = TokenGenerator(
    salt="masthead.accounts.signin-link", max_age=timedelta(hours=1)
)
# Repeated requests for a link within this window send one email, not a burst.
SIGNIN_LINK_WINDOW_SECONDS = 120


def normalise_email(email: str) -> str:
    """Lower-case the domain, keep the local part (RFC 5321), strip spaces."""
    email = email.strip()
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}" if local else email


def users_with_email(email: str):
    """Accounts with this address in any case, found through the unique index
    (it is partial: it leaves out empty addresses, and so must the query)."""
    return User.objects.exclude(email="").filter(same_email(email))


def reader_username() -> str:
    """A reader's username: never shown (readers sign in with their address), and
    sorting by time, so the username indexes take new rows on their last page."""
    return f"reader-{time_ordered_token()}"


def reader_new(*, email: str) -> User:
    """An account for ``email``, not yet saved: a fresh username, no usable password."""
    user = User(email=normalise_email(email), username=reader_username())
    # What set_unusable_password() stores (the prefix, then 40 random characters),
    # without its 40 separate draws: this runs on every wall sign-up.
    user.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(
        UNUSABLE_PASSWORD_SUFFIX_LENGTH // 2
    )
    return user


def reader_row(*, email: str) -> User:
    """A new reader's account row, built whole with its key drawn ahead, for a
    caller that inserts it in its own statement (``core.db.insert_with``)
    together with rows that refer to it. PostgreSQL only (the key comes from
    the table's sequence); nothing else needs to happen once it is in."""
    user = reader_new(email=email)
    user.pk = db.reserve_id(User)
    return user


# What a sign-up needs to know of an existing account: its token state, its age
# (the activation email's key) and whether it is activated.
_READER_FIELDS = ("id", "email", "password", "last_login", "is_active", "date_joined")


@dataclass(frozen=True)
class ReaderFound:
    """An existing account as ``reader_lookup`` reads it."""

    user: User
    address_confirmed: bool  # allauth has a verified address for it


def _reader_lookup_query(email: str):
    from allauth.account.models import EmailAddress

    confirmed = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    return (
        users_with_email(email)
        .annotate(address_confirmed=Exists(confirmed))
        .values_list(*_READER_FIELDS, "address_confirmed")[:1]
    )


_reader_lookup = db.QueryTemplate(_reader_lookup_query)


def reader_lookup(*, email: str) -> tuple[str, list]:
    """The account for ``email`` with what a sign-up decides on, as one row
    (turn it, by column name, into a ``ReaderFound`` with ``reader_found``).
    SQL, not a result: the wall reads it inside its one-statement insert."""
    return _reader_lookup.sql(normalise_email(email), using=router.db_for_read(User))


def reader_found(row: dict) -> ReaderFound:
    """The account in a row read by ``reader_lookup`` (column name: value)."""
    # In the model's field order, as ``from_db`` takes them (the others are deferred).
    fields = [field for field in User._meta.concrete_fields if field.attname in _READER_FIELDS]
    values = [row[field.column] for field in fields]
    user = User.from_db(router.db_for_read(User), [f.attname for f in fields], values)
    return ReaderFound(user=user, address_confirmed=bool(row["address_confirmed"]))


def reader_get_or_create(*, email: str) -> tuple[User, bool]:
    """The account for ``email``, created without a password if there is none.

    Safe under concurrent calls for the same address: the case-insensitive unique
    constraint lets one INSERT through and the others read the winner's row. One
    statement for a new address, and no savepoint (this runs on every sign-up).
    """
    email = normalise_email(email)
    for _ in range(3):  # the fresh username could, in theory, be taken
        user = reader_new(email=email)
        if insert_or_ignore(user):
            return user, True
        existing = users_with_email(email).first()
        if existing is not None:
            return existing, False
    raise IntegrityError(f"could not create an account for {email!r}")


def safe_next_url(url: str | None, default: str = "/") -> str:
    """A local path to return to after signing in; anything else becomes ``default``."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=None) and url.startswith("/"):
        return url
    return default


def signin_link_url(*, user: User, next_url: str = "/") -> str:
    token = signin_link_tokens.make_token(user, data={"next": safe_next_url(next_url)})
    return settings.SITE_URL + reverse("accounts:signin_link", args=[token])


def signin_link_check(*, token: str) -> tuple[User, str]:
    """The active account an emailed sign-in link is for and the path it returns
    to; raises ``LinkExpired`` / ``LinkUsed`` / ``LinkInvalid`` (with the
    account's ``email``, to offer a new link) when the link does not hold."""
    check = signin_link_tokens.check_token(token)
    if check.ok and check.user.is_active:
        return check.user, safe_next_url((check.data or {}).get("next"))
    email = getattr(check.user, "email", "")
    if check.ok:  # a deactivated account: its links are no longer valid
        raise LinkInvalid(email=email)
    raise check.refusal(email=email)


def signin_link_follow(*, user: User, sign_in: Callable[[User], None]) -> None:
    """Sign in by an emailed link: the address is confirmed (the link reached the
    inbox) and ``sign_in`` spends the link (the last sign-in time is in its
    hash), in one transaction."""
    with transaction.atomic():
        email_address_verify(user=user)
        sign_in(user)


def signin_link_send(*, user: User, next_url: str = "/", key: str | None = None) -> None:
    """Email ``user`` a signed, single-use sign-in link that returns them to ``next_url``.

    Runs in the caller's transaction (the email is enqueued with it). Without a
    ``key``, repeated calls for the same account within two minutes send one email.
    """
    from masthead.mail.services import email_enqueue

    if not user.is_active or not user.email:
        return
    email_enqueue(**signin_link_email(user=user, next_url=next_url, key=key))


def signin_link_email(*, user: User, next_url: str = "/", key: str | None = None) -> dict:
    """The sign-in link email for ``user``, as the arguments of mail's
    ``email_enqueue`` / ``email_rows`` (see ``signin_link_send``)."""
    window = int(timezone.now().timestamp()) // SIGNIN_LINK_WINDOW_SECONDS
    return {
        "key": key or f"signin-link:{user.pk}:{signin_link_tokens.state_hash(user)[:12]}:{window}",
        "to": user.email,
        "template": "accounts/signin_link",
        "context": {
            "signin_url": signin_link_url(user=user, next_url=next_url),
            "email": user.email,
            "valid_minutes": int(signin_link_tokens.max_age.total_seconds() // 60),
        },
    }


def signin_link_request(*, email: str, next_url: str = "/") -> None:
    """Send a sign-in link if ``email`` has an active account; silently nothing if not,
    so the page that asks cannot tell addresses with accounts from others."""
    user = users_with_email(normalise_email(email)).filter(is_active=True).first()
    if user is not None:
        with transaction.atomic():
            signin_link_send(user=user, next_url=next_url)


def signin_link_request_defer(*, email: str, next_url: str = "/") -> None:
    """Ask for a sign-in link the way the page does: the same work for every address.

    Looking the address up and enqueuing an email for a known one, nothing for
    an unknown one, answered known addresses measurably slower; a task does
    the looking up instead, and the request only enqueues it, whatever the
    address.
    """
    from .tasks import signin_link_request_task

    signin_link_request_task.enqueue(email=normalise_email(email), next_url=safe_next_url(next_url))


def email_address_verify(*, user: User) -> None:
    """Mark the account's address as confirmed (and primary) for allauth: the
    reader has shown they read mail sent to it. A first confirmation discards a
    password nobody has proven to own (``verification``: the pre-account hijack)."""
    from allauth.account.models import EmailAddress

    unproven_password_revoke(user=user)
    address = EmailAddress.objects.filter(same_email(user.email), user=user).first()
    if address is None:
        EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    elif not (address.verified and address.primary):
        EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(
            primary=False
        )
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])


def account_deactivate(*, user: User) -> None:
    """Switch the account off (it can no longer sign in) and keep its data."""
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False


def account_delete(*, user: User) -> None:
    """Erase the reader: other apps anonymise what must stay (``account_deleting``),
    the rest cascades with the user row; emails addressed to them go too."""
    from masthead.mail.services import address_mail_forget

    with transaction.atomic():
        account_deleting.send(sender=User, user=user)
        address_mail_forget(address=user.email)
        user.delete()


def account_export(*, user: User) -> dict:
    """Everything the site keeps about the reader, gathered from every app."""
    from .export import EXPORTERS, discover

    discover()
    data: dict = {"exported_at": timezone.now(), "site": settings.SITE_URL}
    for name, contributor in sorted(EXPORTERS.items()):
        data[name] = contributor(user)
    return data
