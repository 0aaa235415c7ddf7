"""Rate limits on posting and reporting, per account and per connection
(``RATELIMIT_COMMENT_ACCOUNT``, ``RATELIMIT_COMMENT_IP``), through the one
helper every form uses (``core.ratelimit``), so a load test or a busy newsroom
can change them without code.
"""

from __future__ import annotations

from django.http import HttpRequest

from masthead.core.ratelimit import rate_limit_message

TOO_MANY = (
    "You are commenting faster than we allow. Please wait a few minutes and try again; "
    "your text is kept below."
)


def comment_limit_message(request: HttpRequest) -> str:
    """Count this action; the message to show if it is over a limit, else ""."""
    return rate_limit_message(
        request, "comment", account=True, messages={"account": TOO_MANY, "ip": TOO_MANY}
    )
