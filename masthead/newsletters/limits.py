"""Rate limits for the sign-up box, per connection and per address.

Rates are settings (``RATELIMIT_NEWSLETTER_IP``, ``RATELIMIT_NEWSLETTER_EMAIL``)
so load tests can raise them. The per-address limit counts attempts, not
subscriptions, so it answers the same for an address that takes the
newsletter and one that does not.
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


def signup_limit_message(
    request: HttpRequest, *, scope: str, email: str | None, ip_rate: str, email_rate: str
) -> str:
    """Count this submission; the message to show if it is over a limit, else ""."""
    limits = [Limit(f"{scope}:ip", client_ip(request), ip_rate)]
    if email:
        limits.append(Limit(f"{scope}:email", email.strip().lower(), email_rate))
    over = limits_exceeded(*limits)
    if over[0]:
        return TOO_MANY_FROM_IP
    if len(over) > 1 and over[1]:
        return TOO_MANY_FOR_ADDRESS
    return ""


def newsletter_limit_message(request: HttpRequest, *, email: str | None) -> str:
    return signup_limit_message(
        request,
        scope="newsletter",
        email=email,
        ip_rate=settings.RATELIMIT_NEWSLETTER_IP,
        email_rate=settings.RATELIMIT_NEWSLETTER_EMAIL,
    )
