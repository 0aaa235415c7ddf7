"""Rate limits for the follow box, per connection and per address
(``RATELIMIT_FOLLOW_IP``, ``RATELIMIT_FOLLOW_EMAIL``) through the one helper
every form uses (``core.ratelimit``); the per-address limit counts attempts,
so it answers the same whatever the address follows."""

from __future__ import annotations

from django.http import HttpRequest

from masthead.core.ratelimit import rate_limit_message

MESSAGES = {
    "ip": "Too many attempts from your connection. Please wait a few minutes and try again.",
    "email": (
        "We have already sent several emails to this address. "
        "Please check your inbox (and spam folder), or try again in an hour."
    ),
}


def follow_limit_message(request: HttpRequest, *, email: str | None) -> str:
    """Count this submission; the message to show if it is over a limit, else ""."""
    return rate_limit_message(request, "follow", email=email, messages=MESSAGES)
