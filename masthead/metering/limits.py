"""Rate limits for the wall and the set-up emails, per connection and per address.

Rates are settings (``RATELIMIT_WALL_IP``, ``RATELIMIT_WALL_EMAIL``) so load
tests can raise them. The per-address limit counts attempts, not accounts, so
it answers the same for an address with an account and one without.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from masthead.core.ratelimit import Limit, client_ip, limits_exceeded

TOO_MANY_FROM_IP = (
    "Too many attempts from your connection. Please wait a few minutes and try again."
)
TOO_MANY_FOR_ADDRESS = (
    "We have already sent several emails to this address. "
    "Please check your inbox (and spam folder), or try again in an hour."
)


def wall_limit_message(request: HttpRequest, *, email: str | None) -> str:
    """Count this submission; the message to show if it is over a limit, else ""."""
    limits = [Limit("wall:ip", client_ip(request), settings.RATELIMIT_WALL_IP)]
    if email:
        limits.append(Limit("wall:email", email.strip().lower(), settings.RATELIMIT_WALL_EMAIL))
    over = limits_exceeded(*limits)
    if over[0]:
        return TOO_MANY_FROM_IP
    if len(over) > 1 and over[1]:
        return TOO_MANY_FOR_ADDRESS
    return ""
