"""Rate limits for the wall and the set-up emails (django-ratelimit counters in the cache).

Rates are settings (``RATELIMIT_WALL_IP``, ``RATELIMIT_WALL_EMAIL``) so load
tests can raise them. The per-address limit counts attempts, not accounts, so
it answers the same for an address with an account and one without.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

TOO_MANY_FROM_IP = (
    "Too many attempts from your connection. Please wait a few minutes and try again."
)
TOO_MANY_FOR_ADDRESS = (
    "We have already sent several emails to this address. "
    "Please check your inbox (and spam folder), or try again in an hour."
)


def wall_limit_message(request: HttpRequest, *, email: str | None) -> str:
    """The message to show if this submission is over a limit, else ""."""
    if is_ratelimited(
        request,
        group="metering.wall.ip",
        key="ip",
        rate=settings.RATELIMIT_WALL_IP,
        method="POST",
        increment=True,
    ):
        return TOO_MANY_FROM_IP
    if email and is_ratelimited(
        request,
        group="metering.wall.email",
        key=lambda group, request: email.lower(),
        rate=settings.RATELIMIT_WALL_EMAIL,
        method="POST",
        increment=True,
    ):
        return TOO_MANY_FOR_ADDRESS
    return ""
