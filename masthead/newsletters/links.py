"""Links in newsletter emails: confirm a subscription, leave it.

Both are signed with the site's secret over the subscription's id and
address, built from ``SITE_URL`` (never the request's host). A confirmation
link expires; an unsubscribe link does not (RFC 8058 asks that it keep
working, and an old edition in an inbox must still let its reader leave).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "masthead.newsletters.confirm"
UNSUBSCRIBE_SALT = "masthead.newsletters.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=7)


class Expired(Exception):
    """A well-signed confirmation link past its age."""


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def confirm_url(subscription) -> str:
    token = signing.dumps([subscription.pk, subscription.email.lower()], salt=CONFIRM_SALT)
    return _absolute(reverse("newsletters:confirm", args=[token]))


def unsubscribe_url(subscription) -> str:
    token = signing.dumps([subscription.pk, subscription.email.lower()], salt=UNSUBSCRIBE_SALT)
    return _absolute(reverse("newsletters:unsubscribe", args=[token]))


def _read(token: str, *, salt: str, max_age) -> tuple[int, str] | None:
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise Expired from None
    except signing.BadSignature:
        return None
    try:
        subscription_id, email = value
        return int(subscription_id), str(email)
    except (TypeError, ValueError):
        return None


def confirm_token_read(token: str) -> tuple[int, str] | None:
    """(subscription id, address); None if forged; raises ``Expired`` if too old."""
    return _read(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    return _read(token, salt=UNSUBSCRIBE_SALT, max_age=None)
