"""Worker heartbeats, and the recovery of what a dead worker held.

A task worker that dies without warning (SIGKILL, the OOM killer, a lost
machine) leaves its current task row ``RUNNING`` forever: django-tasks-db
never looks at it again. Before heartbeats the mail sweep found such an
email only after an hour (``SWEEP_GRACE_DATABASE``, long so that a long queue
is not sent twice), and a claimed delivery after ``CLAIM_TIMEOUT``.

Now every worker process writes a ``WorkerHeartbeat`` row and a thread of its
own moves it every ``HEARTBEAT_INTERVAL`` seconds, independently of the task
it runs, so a long task never looks dead. Every live worker also runs
``workers_recover`` every ``RECOVER_INTERVAL``: a ``RUNNING`` task whose
worker has not beaten for ``HEARTBEAT_TIMEOUT`` is set back to ``READY`` and
runs again on a live worker, whatever its kind. A worker that beats is never
second-guessed, however long its queue or its task, so nothing is sent twice
because it was slow: only the one task a dead worker held runs again (tasks
are idempotent; see ``mail.services.delivery_send`` for how a send resumes).
Worst case from a kill to the task running again: ``HEARTBEAT_TIMEOUT`` +
``RECOVER_INTERVAL`` (45 s), provided one worker is alive or starts.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_INTERVAL = 5.0  # seconds between two beats of a live worker
HEARTBEAT_TIMEOUT = timedelta(seconds=30)  # six missed beats: the worker is dead
RECOVER_INTERVAL = 15.0  # seconds between two looks for dead workers' tasks


def worker_beat(*, worker_id: str, now: datetime | None = None) -> None:
    """Record that ``worker_id`` is alive (creating its row on the first beat)."""
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(pk=worker_id).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "beat_at": now,
                "started_at": now,
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
            },
        )


def worker_retire(*, worker_id: str) -> None:
    """A worker that stops cleanly removes its row (it finished its task)."""
    WorkerHeartbeat.objects.filter(pk=worker_id).delete()


def workers_recover(*, now: datetime | None = None) -> list[str]:
    """Hand back to the queue every running task whose worker stopped beating;
    returns the ids of the tasks set ready again.

    A task counts as its last worker's (``worker_ids[-1]``). A worker with no
    row at all (it died and its row was removed, or it is not a ``masthead
    worker``) is judged by the task's start: running longer than
    ``HEARTBEAT_TIMEOUT`` without a beating worker means nobody holds it.
    """
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = now - HEARTBEAT_TIMEOUT
    live = set(
        WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).values_list("id", "worker_ids")
    orphans = [pk for pk, worker_ids in running if not worker_ids or worker_ids[-1] not in live]
    recovered: list[str] = []
    for pk in orphans:
        # Conditional: a task finished meanwhile (a worker that was only slow to
        # beat) stays finished, and two recovering workers hand it back once.
        if DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY
        ):
            recovered.append(str(pk))
    WorkerHeartbeat.objects.filter(beat_at__lt=cutoff).delete()
    if recovered:
        logger.warning(
            "Handed %d task(s) of stopped workers back to the queue: %s",
            len(recovered),
            ", ".join(recovered[:20]),
        )
    return recovered


class Heartbeat(threading.Thread):
    """Beats for ``worker_id`` and recovers dead workers' tasks, until stopped.

    Started before the worker takes its first task, stopped after its last.
    A database error is logged and retried at the next beat: a worker that
    cannot reach the database cannot run tasks either, and its silence is
    the truth.
    """

    def __init__(
        self,
        worker_id: str,
        *,
        interval: float = HEARTBEAT_INTERVAL,
        recover_interval: float = RECOVER_INTERVAL,
    ) -> None:
        super().__init__(name="masthead-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.recover_interval = recover_interval
        self.stopping = threading.Event()
        self.started_beating = threading.Event()

    def run(self) -> None:
        next_recovery = 0.0
        elapsed = 0.0
        try:
            while not self.stopping.is_set():
                try:
                    close_old_connections()
                    worker_beat(worker_id=self.worker_id)
                    self.started_beating.set()
                    if elapsed >= next_recovery:
                        workers_recover()
                        next_recovery = elapsed + self.recover_interval
                except Exception:
                    logger.exception("Worker heartbeat failed; will retry")
                self.stopping.wait(self.interval)
                elapsed += self.interval
            try:
                worker_retire(worker_id=self.worker_id)
            except Exception:
                logger.exception("Removing the heartbeat of worker %s failed", self.worker_id)
        finally:
            self.started_beating.set()
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
