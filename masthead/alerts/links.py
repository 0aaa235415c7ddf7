"""Links in alert emails: confirm a follow, stop it. Signed over the follow's
id and address, built from ``SITE_URL``; the stop link never expires."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "masthead.alerts.confirm"
STOP_SALT = "masthead.alerts.stop"
CONFIRM_MAX_AGE = timedelta(days=7)


class Expired(Exception):
    """A well-signed confirmation link past its age."""


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def confirm_url(follow) -> str:
    token = signing.dumps([follow.pk, follow.email.lower()], salt=CONFIRM_SALT)
    return _absolute(reverse("alerts:confirm", args=[token]))


def stop_url(follow) -> str:
    token = signing.dumps([follow.pk, follow.email.lower()], salt=STOP_SALT)
    return _absolute(reverse("alerts:stop", args=[token]))


def _read(token: str, *, salt: str, max_age) -> tuple[int, str] | None:
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise Expired from None
    except signing.BadSignature:
        return None
    try:
        follow_id, email = value
        return int(follow_id), str(email)
    except (TypeError, ValueError):
        return None


def confirm_token_read(token: str) -> tuple[int, str] | None:
    """(follow id, address); None if forged; raises ``Expired`` if too old."""
    return _read(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)


def stop_token_read(token: str) -> tuple[int, str] | None:
    return _read(token, salt=STOP_SALT, max_age=None)
