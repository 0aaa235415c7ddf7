"""The sweep: an email whose send task was lost still goes out, once, and nothing
that is sent, given up, not yet due or held by a live worker is queued again."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from masthead.mail.models import Delivery
from masthead.mail.services import deliveries_sweep, delivery_send, email_enqueue
from masthead.mail.tasks import send_delivery
from tests.tasks import run_pending_tasks

pytestmark = pytest.mark.django_db

CONTEXT = {
    "signin_url": "http://testserver/account/sign-in-link/x/",
    "email": "a@example.org",
    "valid_minutes": 60,
}


def enqueue(key: str, to: str = "reader@example.org") -> Delivery:
    return email_enqueue(key=key, to=to, template="accounts/signin_link", context=CONTEXT)


def lose_the_tasks() -> None:
    """What a crashed task leaves behind: the delivery row without its task."""
    DBTaskResult.objects.all().delete()


def test_a_queued_email_whose_task_was_lost_goes_out_after_the_grace_hour():
    start = timezone.now()
    delivery = enqueue("lost")
    lose_the_tasks()
    with time_machine.travel(start + timedelta(minutes=59)):
        assert deliveries_sweep() == 0  # a long newsletter queue is not swept twice
    with time_machine.travel(start + timedelta(minutes=61)):
        assert deliveries_sweep() == 1
        assert deliveries_sweep() == 0  # its due time moved: the next sweep waits again
        run_pending_tasks()
    [message] = mail.outbox
    assert message.to == ["reader@example.org"]
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 1


def test_with_a_queue_outside_the_database_a_lost_task_is_replaced_after_five_minutes(
    settings, django_capture_on_commit_callbacks
):
    start = timezone.now()
    delivery = enqueue("lost")
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "email"],
        }
    }
    with time_machine.travel(start + timedelta(minutes=4)):
        assert deliveries_sweep() == 0
    with (
        time_machine.travel(start + timedelta(minutes=6)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert deliveries_sweep() == 1
    [task] = send_delivery.get_backend().results
    assert task.args == [delivery.pk]


def test_a_lost_task_and_a_dead_workers_claim_are_both_resent_in_one_sweep():
    start = timezone.now()
    enqueue("lost", to="lost@example.org")
    claimed = enqueue("claimed", to="claimed@example.org")
    Delivery.objects.filter(pk=claimed.pk).update(
        status=Delivery.Status.SENDING, claimed_at=start, next_attempt_at=start + timedelta(hours=1)
    )
    lose_the_tasks()
    with time_machine.travel(start + timedelta(minutes=61)):
        assert deliveries_sweep() == 2
        run_pending_tasks()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "claimed@example.org",
        "lost@example.org",
    ]


def test_the_sweep_leaves_sent_failed_new_and_freshly_claimed_emails_alone():
    start = timezone.now()
    sent = enqueue("sent")
    assert delivery_send(delivery_id=sent.pk) == Delivery.Status.SENT
    failed = enqueue("failed")
    Delivery.objects.filter(pk=failed.pk).update(status=Delivery.Status.FAILED)
    held = enqueue("held")
    lose_the_tasks()
    with time_machine.travel(start + timedelta(hours=2)):
        # A live worker claimed this one a moment ago; that one was just queued.
        Delivery.objects.filter(pk=held.pk).update(
            status=Delivery.Status.SENDING, claimed_at=timezone.now()
        )
        enqueue("new")
        lose_the_tasks()
        assert deliveries_sweep() == 0
        assert run_pending_tasks() == 0
    assert len(mail.outbox) == 1  # the one sent at the start
