"""Tasks take ids (here: what the reader posted) and hold no logic."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="email")
def wall_signup_finish(email: str, ip: str | None, next_url: str, user_agent: str) -> None:
    """A wall sign-up for an address with an account, handed over by the request
    (``timing.wall_signup_defer``). Idempotent: the emails it sends have keys."""
    from .services import wall_signup

    wall_signup(
        email=email, agreed=True, ip=ip, next_url=next_url, user_agent=user_agent, deferred=True
    )
