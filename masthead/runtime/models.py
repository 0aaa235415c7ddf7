"""The running task workers, as rows: each beats while it lives."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    """One running ``masthead worker`` (or the demo's worker thread).

    Its heartbeat thread moves ``beat_at`` every few seconds for as long as the
    process lives, whatever its task thread is doing; a row whose beat is older
    than ``heartbeat.HEARTBEAT_TIMEOUT`` belongs to a process that died, and
    the tasks it held are handed back to the queue (``workers_recover``).
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.hostname} (pid {self.pid})"
