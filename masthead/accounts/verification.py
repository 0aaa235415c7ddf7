"""The first confirmation of an address, and the password that may not survive it.

The pre-account hijack: someone signs up with another person's address and a
password of their choosing; the account waits, unconfirmed. When the real
owner later proves they read that inbox (the wall's set-up link, an emailed
sign-in link, allauth's confirmation opened in their own browser), the
account becomes theirs, and a password chosen by whoever came first must not
come with it, or that person signs in to the owner's account.

The rule, applied by every path that confirms an address: when an account's
address is confirmed for the first time and the account has never signed in,
a password set before that moment is discarded. Changing the password hash
also ends every session made with the old one (Django checks the hash on each
request). The one exception is allauth's sign-up confirmation opened in the
very browser session that signed up: there the person who chose the password
is the person who read the email.
"""

from __future__ import annotations

from django.http import HttpRequest

from masthead.core.emails import same_email

from .models import User


def address_ever_confirmed(user: User) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True).exists()


def address_verified(user, email: str) -> bool:
    """Whether ``email`` is the signed-in ``user``'s own, confirmed address
    (what lets a box act at once for the reader, without a confirmation email)."""
    from allauth.account.models import EmailAddress

    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return EmailAddress.objects.filter(same_email(email), user=user, verified=True).exists()


def verified_owner(email: str) -> User | None:
    """The account whose confirmed address this is, if any (never an unconfirmed
    claim on it: that could be someone else's pre-registration)."""
    from allauth.account.models import EmailAddress

    found = EmailAddress.objects.filter(same_email(email), verified=True).first()
    return found.user if found else None


def unproven_password_revoke(*, user: User) -> bool:
    """Discard a password nobody has proven to own, before a first confirmation.

    Call it before the address is marked confirmed. True when a password was
    discarded. Staff accounts (made by an operator) and accounts that have
    signed in keep their password: with mandatory verification, signing in
    needed the inbox or an operator.
    """
    if user.is_staff or user.is_superuser:
        return False  # made by an operator (createsuperuser, the admin), not by a sign-up
    if user.last_login is not None or not user.has_usable_password():
        return False
    if address_ever_confirmed(user):
        return False
    user.set_unusable_password()
    User.objects.filter(pk=user.pk).update(password=user.password)
    return True


def confirming_in_signup_session(request: HttpRequest | None, user: User) -> bool:
    """Whether this request comes from the browser session that signed ``user`` up
    and is waiting for the address to be confirmed (allauth's pending login)."""
    if request is None or not hasattr(request, "session"):
        return False
    from allauth.account.stages import EmailVerificationStage, LoginStageController

    stage = LoginStageController.enter(request, EmailVerificationStage.key)
    pending = getattr(getattr(stage, "login", None), "user", None)
    return pending is not None and pending.pk == user.pk


def allauth_confirmation_guard(*, request: HttpRequest | None, user: User) -> bool:
    """Before allauth confirms an address: the password stays only in the sign-up session."""
    if confirming_in_signup_session(request, user):
        return False
    return unproven_password_revoke(user=user)
