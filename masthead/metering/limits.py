"""What the wall's forms say when a rate limit stops them.

The limits themselves are settings (``RATELIMIT_WALL_IP``, ``RATELIMIT_WALL_EMAIL``,
so load tests can raise them), counted by ``core.ratelimit.rate_limit``. The
wall and the set-up link's "send me a new link" form count against them both.
"""

from __future__ import annotations

TOO_MANY_FROM_IP = (
    "Too many attempts from your connection. Please wait a few minutes and try again."
)
TOO_MANY_FOR_ADDRESS = (
    "We have already sent several emails to this address. "
    "Please check your inbox (and spam folder), or try again in an hour."
)
WALL_LIMITS = {"ip": TOO_MANY_FROM_IP, "email": TOO_MANY_FOR_ADDRESS}
