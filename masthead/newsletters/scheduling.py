"""What the scheduler does for newsletters every minute."""

from __future__ import annotations

from .editions import editions_compose_due
from .sending import editions_send_due


def editions_due(*, now=None) -> None:
    """Compose the day's editions once their time has come, then start the
    scheduled editions that are due. Both are idempotent, so several workers
    running the scheduler at once compose and send each edition once."""
    editions_compose_due(now=now)
    editions_send_due(now=now)
