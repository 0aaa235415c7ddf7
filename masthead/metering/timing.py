"""The wall answers a known address in the time it answers a new one.

On PostgreSQL a new address is written in one statement; an address with an
account then took the general path (look-ups, consent, a sign-in link) and
answered measurably later, which tells anyone timing the wall that the
address has an account. The request hands such a sign-up to a task instead:
its cost is the refused statement plus one task row, as for a new address.
"""

from __future__ import annotations


def wall_signup_defer(*, email: str, ip: str | None, next_url: str, user_agent: str) -> None:
    """Enqueue the rest of a sign-up for an address that has an account."""
    from .tasks import wall_signup_finish

    wall_signup_finish.enqueue(
        email=email, ip=ip, next_url=next_url, user_agent=(user_agent or "")[:300]
    )
