"""Rate limits for the follow box, per connection and per address
(``RATELIMIT_FOLLOW_IP``, ``RATELIMIT_FOLLOW_EMAIL``); the per-address limit
counts attempts, so it answers the same whatever the address follows."""

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


def follow_limit_message(request: HttpRequest, *, email: str | None) -> str:
    limits = [Limit("follow:ip", client_ip(request), settings.RATELIMIT_FOLLOW_IP)]
    if email:
        limits.append(Limit("follow:email", email.strip().lower(), settings.RATELIMIT_FOLLOW_EMAIL))
    over = limits_exceeded(*limits)
    if over[0]:
        return TOO_MANY_FROM_IP
    if len(over) > 1 and over[1]:
        return TOO_MANY_FOR_ADDRESS
    return ""
