"""The task worker and the clock that publishes scheduled pages.

``masthead worker`` runs both in the foreground; ``masthead demo`` runs them in
background threads of the web process.
"""

from __future__ import annotations

import contextlib
import logging
import threading

from django.core.management import call_command
from django.db import close_old_connections

logger = logging.getLogger(__name__)

SCHEDULER_INTERVAL_SECONDS = 60.0


def build_worker(
    queues: list[str] | None = None, interval: float = 1.0, worker_id: str | None = None
):
    """A django-tasks-db worker for the given queues (all by default)."""
    from django.utils.crypto import get_random_string
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=queues or ["*"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id or get_random_string(32),
        excluded_queue_names=[],
    )


def run_scheduled_jobs() -> None:
    """Publish pages whose go-live time has come, unpublish expired ones."""
    close_old_connections()
    try:
        call_command("publish_scheduled", verbosity=0)
    except Exception:
        logger.exception("Publishing scheduled pages failed; will retry")
    try:
        from masthead.mail.services import deliveries_sweep

        deliveries_sweep()  # emails whose task was lost (a crashed worker, a non-DB queue)
    except Exception:
        logger.exception("Sweeping stuck email deliveries failed; will retry")
    try:
        from masthead.mail.bulk import bulk_sweep

        bulk_sweep()  # bulk-send work whose worker died (a lapsed lease) or whose task was lost
    except Exception:
        logger.exception("Sweeping bulk sends failed; will retry")
    try:
        from masthead.newsletters.scheduling import editions_due

        editions_due()  # compose today's editions at their time, send scheduled ones
    except Exception:
        logger.exception("Composing or sending due editions failed; will retry")
    finally:
        close_old_connections()
    from masthead.analytics.aggregate import analytics_periodic

    analytics_periodic()  # view counts from Redis into the database (logs its own failures)
    close_old_connections()


class Scheduler(threading.Thread):
    """Runs ``run_scheduled_jobs`` every minute until stopped."""

    def __init__(self, interval: float = SCHEDULER_INTERVAL_SECONDS) -> None:
        super().__init__(name="masthead-scheduler", daemon=True)
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            run_scheduled_jobs()
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()


def run_worker_with_heartbeat(worker) -> None:
    """Run ``worker`` (from ``build_worker``) until it stops, beating for it all
    along (see ``heartbeat``): its first beat, and a look for dead workers'
    tasks, come before its first task."""
    from .heartbeat import Heartbeat

    heartbeat = Heartbeat(worker.worker_id)
    heartbeat.start()
    heartbeat.started_beating.wait(timeout=30)
    try:
        worker.run()
    finally:
        heartbeat.stop()
        heartbeat.join(timeout=10)


class WorkerThread(threading.Thread):
    """The database task worker in a thread (the embedded demo), with its heartbeat."""

    def __init__(self, interval: float = 0.5) -> None:
        super().__init__(name="masthead-worker", daemon=True)
        self.worker = build_worker(interval=interval)

    def run(self) -> None:
        with contextlib.suppress(SystemExit):
            run_worker_with_heartbeat(self.worker)

    def stop(self) -> None:
        self.worker.running = False
