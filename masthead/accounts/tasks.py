"""Tasks take ids (here: the address asked for) and hold no logic."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="email")
def signin_link_request_task(email: str, next_url: str) -> None:
    """Look the address up and send its link, away from the request (see
    ``services.signin_link_request_defer``). Idempotent: repeats within two
    minutes send one email."""
    from .services import signin_link_request

    signin_link_request(email=email, next_url=next_url)
