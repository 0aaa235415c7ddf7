"""A dead worker's task is handed back within a minute; a live worker's,
however long it runs, is left alone (issue 9, item 18)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from masthead.mail.models import Delivery
from masthead.mail.services import email_enqueue
from masthead.runtime.heartbeat import (
    HEARTBEAT_TIMEOUT,
    RECOVER_INTERVAL,
    worker_beat,
    worker_retire,
    workers_recover,
)
from masthead.runtime.models import WorkerHeartbeat
from tests.tasks import run_pending_tasks

pytestmark = pytest.mark.django_db

CONTEXT = {"signin_url": "http://testserver/x/", "email": "a@example.org", "valid_minutes": 60}


def _enqueue(key: str = "k1") -> Delivery:
    return email_enqueue(
        key=key, to="reader@example.org", template="accounts/signin_link", context=CONTEXT
    )


def _taken_by(worker_id: str) -> DBTaskResult:
    """The queued task, taken by ``worker_id`` as the worker loop takes it."""
    task = DBTaskResult.objects.get()
    task.claim(worker_id)
    return task


def test_a_task_of_a_worker_that_stopped_beating_runs_again(smtp_backend):
    """Killed after taking the task and before claiming the delivery."""
    delivery = _enqueue()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        worker_beat(worker_id="dead")
        task = _taken_by("dead")
    assert run_pending_tasks() == 0  # nobody else may run it while it is held
    with time_machine.travel(start + HEARTBEAT_TIMEOUT - timedelta(seconds=1), tick=False):
        assert workers_recover() == []  # not yet: it may be a slow beat
    # A recovering worker looks every RECOVER_INTERVAL: under a minute after the kill.
    later = start + HEARTBEAT_TIMEOUT + timedelta(seconds=RECOVER_INTERVAL)
    assert later - start < timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert workers_recover() == [str(task.pk)]
        assert not WorkerHeartbeat.objects.filter(pk="dead").exists()
        assert run_pending_tasks() == 1
    [message] = smtp_backend.wait_for(1)
    assert message["Message-ID"] == delivery.message_id
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.worker_ids[0] == "dead" and len(task.worker_ids) == 2


def test_a_delivery_claimed_by_a_dead_worker_is_sent_without_waiting_for_the_claim_timeout(
    smtp_backend,
):
    """Killed in the middle of the SMTP conversation: the claim is taken over
    by the same task's next attempt, not after CLAIM_TIMEOUT (ten minutes)."""
    delivery = _enqueue()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        worker_beat(worker_id="dead")
        _taken_by("dead")
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.SENDING, claimed_at=start, attempts=1
        )
    with time_machine.travel(start + timedelta(seconds=50), tick=False):
        assert len(workers_recover()) == 1
        assert run_pending_tasks() == 1
    [message] = smtp_backend.wait_for(1)
    assert message["Message-ID"] == delivery.message_id
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 2 and delivery.sent_at is not None


def test_a_live_workers_long_task_is_never_taken_from_it():
    _enqueue()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        worker_beat(worker_id="busy")
        task = _taken_by("busy")
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        worker_beat(worker_id="busy")  # its heartbeat thread goes on while the task runs
        assert workers_recover() == []
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING
    assert WorkerHeartbeat.objects.filter(pk="busy").exists()


def test_a_task_held_by_a_worker_without_a_heartbeat_row_is_recovered_after_the_timeout():
    """Its row is gone (removed by an earlier recovery) or it never beat."""
    _enqueue()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        task = _taken_by("gone")
    with time_machine.travel(start + timedelta(seconds=10), tick=False):
        assert workers_recover() == []  # a worker that just started may not have beaten yet
    with time_machine.travel(start + HEARTBEAT_TIMEOUT + timedelta(seconds=1), tick=False):
        assert workers_recover() == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY


def test_finished_tasks_stay_finished_and_a_retired_worker_leaves_no_row():
    _enqueue()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        worker_beat(worker_id="w1")
        task = _taken_by("w1")
        task.set_successful("sent")
        worker_retire(worker_id="w1")
    assert not WorkerHeartbeat.objects.exists()
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        assert workers_recover() == []
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL


def test_a_beat_moves_the_row_and_records_the_process():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        worker_beat(worker_id="w1")
    with time_machine.travel(start + timedelta(seconds=5), tick=False):
        worker_beat(worker_id="w1")
    row = WorkerHeartbeat.objects.get()
    assert row.started_at == start
    assert row.beat_at == start + timedelta(seconds=5)
    assert row.pid > 0 and row.hostname
