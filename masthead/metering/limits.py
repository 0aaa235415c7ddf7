"""What the wall's forms say when a rate limit stops them.

The limits themselves are settings (``RATELIMIT_WALL_IP``, ``RATELIMIT_WALL_EMAIL``,
so load tests can raise them), counted by ``core.ratelimit.rate_limit``. The
wall and the set-up link's "send me a new link" form count against them both.
"""

from __future__ import annotations

from masthead.core.ratelimit import EMAIL_FORM_LIMITS

TOO_MANY_FROM_IP = EMAIL_FORM_LIMITS["ip"]
TOO_MANY_FOR_ADDRESS = EMAIL_FORM_LIMITS["email"]
WALL_LIMITS = EMAIL_FORM_LIMITS
