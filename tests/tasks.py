"""Run queued background tasks inside a test, the way ``masthead worker`` would."""

from __future__ import annotations

from unittest import mock

from django_tasks_db.models import DBTaskResult

from masthead.runtime.worker import build_worker


def run_pending_tasks(max_tasks: int = 1000) -> int:
    """Run every ready task in the database queue; return how many ran.

    The worker closes stale connections between tasks; inside a test that
    connection holds the test's transaction (on PostgreSQL closing it would
    end the test's view of its own data), so that step is skipped here.
    """
    before = DBTaskResult.objects.ready().count()
    if not before:
        return 0
    worker = build_worker(interval=0)
    worker.batch = True
    worker.max_tasks = max_tasks
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        worker.run()
    return worker._run_tasks
