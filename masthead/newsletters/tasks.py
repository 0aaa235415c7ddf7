"""Tasks take ids and hold no logic (ARCHITECTURE convention 4)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="email")
def edition_fanout(edition_id: int) -> int:
    from .sending import edition_fanout_run

    return edition_fanout_run(edition_id=edition_id)
