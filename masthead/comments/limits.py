"""Rate limits on posting and reporting, per account and per connection.

Rates are settings (``RATELIMIT_COMMENT_ACCOUNT``, ``RATELIMIT_COMMENT_IP``)
so a load test or a busy newsroom can change them without code.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from masthead.core.ratelimit import Limit, client_ip, limits_exceeded

TOO_MANY = (
    "You are commenting faster than we allow. Please wait a few minutes and try again; "
    "your text is kept below."
)


def comment_limit_message(request: HttpRequest) -> str:
    """Count this action; the message to show if it is over a limit, else ""."""
    over = limits_exceeded(
        Limit("comment:account", str(request.user.pk), settings.RATELIMIT_COMMENT_ACCOUNT),
        Limit("comment:ip", client_ip(request), settings.RATELIMIT_COMMENT_IP),
    )
    return TOO_MANY if any(over) else ""
