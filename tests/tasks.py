"""Run queued background tasks inside a test, the way ``masthead worker`` would."""

from __future__ import annotations

from django_tasks_db.models import DBTaskResult

from masthead.core.worker import build_worker


def run_pending_tasks(max_tasks: int = 1000) -> int:
    """Run every ready task in the database queue; return how many ran."""
    before = DBTaskResult.objects.ready().count()
    if not before:
        return 0
    worker = build_worker(interval=0)
    worker.batch = True
    worker.max_tasks = max_tasks
    worker.run()
    return worker._run_tasks
