"""Rate limits for the sign-up box, per connection and per address
(``RATELIMIT_NEWSLETTER_IP``, ``RATELIMIT_NEWSLETTER_EMAIL``) through the one
helper every form uses (``core.ratelimit``). The per-address limit counts
attempts, not subscriptions, so it answers the same for an address that takes
the newsletter and one that does not.
"""

from __future__ import annotations

from django.http import HttpRequest

from masthead.core.ratelimit import rate_limit_message

TOO_MANY_FROM_IP = (
    "Too many attempts from your connection. Please wait a few minutes and try again."
)
TOO_MANY_FOR_ADDRESS = (
    "We have already sent several emails to this address. "
    "Please check your inbox (and spam folder), or try again in an hour."
)
MESSAGES = {"ip": TOO_MANY_FROM_IP, "email": TOO_MANY_FOR_ADDRESS}


def newsletter_limit_message(request: HttpRequest, *, email: str | None) -> str:
    """Count this submission; the message to show if it is over a limit, else ""."""
    return rate_limit_message(request, "newsletter", email=email, messages=MESSAGES)
