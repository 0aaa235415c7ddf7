"""Background work: "More on this" for a story that was just published."""

from __future__ import annotations

from django_tasks import task


@task()
def related_update(story_id: int) -> None:
    """Idempotent: recomputing a story's list gives the same list."""
    from .services import related_compute

    related_compute(story_id=story_id)
