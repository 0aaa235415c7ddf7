"""What a delivery's row says after each kind of attempt (issue 9, item 17: a
delivery marked sent before the SMTP server accepted it went unnoticed, as
no test looked at ``status`` and ``sent_at`` after a failed attempt)."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

import pytest
import time_machine
from django.core.mail.backends import smtp
from django.utils import timezone

from masthead.mail.models import Delivery
from masthead.mail.services import CLAIM_TIMEOUT, MAX_ATTEMPTS, delivery_send, email_enqueue
from tests.smtp_server import _free_port

pytestmark = pytest.mark.django_db

CONTEXT = {"signin_url": "http://testserver/s/x/", "email": "a@example.org", "valid_minutes": 60}


def _delivery() -> Delivery:
    return email_enqueue(
        key="k", to="reader@example.org", template="accounts/signin_link", context=CONTEXT
    )


def _row(delivery: Delivery) -> Delivery:
    delivery.refresh_from_db()
    return delivery


def test_a_refused_attempt_leaves_the_delivery_queued_and_unsent(smtp_backend):
    smtp_backend.fail_next(1)  # 451
    delivery = _delivery()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert delivery_send(delivery_id=delivery.pk) == "retry"
    row = _row(delivery)
    assert row.status == Delivery.Status.QUEUED
    assert row.sent_at is None
    assert row.claimed_at is None
    assert row.attempts == 1
    assert row.next_attempt_at == start + timedelta(seconds=30)
    assert row.last_error.startswith("SMTPDataError: (451")
    assert row.subject == ""
    assert smtp_backend.messages == []


def test_an_unreachable_server_leaves_the_delivery_queued_and_unsent(settings, smtp_backend):
    settings.EMAIL_PORT = _free_port()  # nothing listens there: connection refused
    delivery = _delivery()
    assert delivery_send(delivery_id=delivery.pk) == "retry"
    row = _row(delivery)
    assert (row.status, row.sent_at, row.claimed_at) == (Delivery.Status.QUEUED, None, None)
    assert row.last_error.startswith("ConnectionRefusedError")


def test_a_permanent_refusal_fails_the_delivery_unsent(smtp_backend):
    smtp_backend.fail_next(1, "550 5.1.1 No such user")
    delivery = _delivery()
    assert delivery_send(delivery_id=delivery.pk) == Delivery.Status.FAILED
    row = _row(delivery)
    assert (row.status, row.sent_at, row.claimed_at) == (Delivery.Status.FAILED, None, None)
    assert "550" in row.last_error


def test_the_last_transient_failure_gives_up_unsent(smtp_backend):
    delivery = _delivery()
    Delivery.objects.filter(pk=delivery.pk).update(attempts=MAX_ATTEMPTS - 1)
    smtp_backend.fail_next(1)
    assert delivery_send(delivery_id=delivery.pk) == Delivery.Status.FAILED
    row = _row(delivery)
    assert (row.status, row.sent_at) == (Delivery.Status.FAILED, None)
    assert row.attempts == MAX_ATTEMPTS


def test_sent_at_is_the_moment_the_server_accepted(smtp_backend):
    delivery = _delivery()
    accepted = timezone.now() + timedelta(minutes=5)
    with time_machine.travel(accepted, tick=False):
        assert delivery_send(delivery_id=delivery.pk) == Delivery.Status.SENT
    [message] = smtp_backend.wait_for(1)
    row = _row(delivery)
    assert row.status == Delivery.Status.SENT
    assert row.sent_at == accepted
    assert row.claimed_at == accepted
    assert row.last_error == ""
    assert row.subject == message["Subject"]


class ObservingBackend(smtp.EmailBackend):
    """Django's SMTP backend, noting each delivery's row as it hands the
    message to the server."""

    seen: list[tuple[str, object]] = []

    def send_messages(self, email_messages):
        for message in email_messages:
            row = Delivery.objects.get(message_id=message.extra_headers["Message-ID"])
            ObservingBackend.seen.append((row.status, row.sent_at))
        return super().send_messages(email_messages)


def test_while_the_server_is_talked_to_the_delivery_is_claimed_not_sent(settings, smtp_backend):
    """When the message goes to the server the row says *sending*, never *sent*:
    a worker killed at that moment must not leave it marked sent."""
    settings.EMAIL_BACKEND = f"{__name__}.ObservingBackend"
    ObservingBackend.seen = []
    delivery = _delivery()
    assert delivery_send(delivery_id=delivery.pk) == Delivery.Status.SENT
    assert ObservingBackend.seen == [(Delivery.Status.SENDING, None)]
    smtp_backend.wait_for(1)
    assert _row(delivery).status == Delivery.Status.SENT


def test_a_delivery_erased_before_its_task_ran_sends_nothing(smtp_backend):
    """The reader deleted their account between the sign-up and the send."""
    delivery = _delivery()
    Delivery.objects.filter(pk=delivery.pk).delete()
    assert delivery_send(delivery_id=delivery.pk) == "missing"  # the task's recorded result
    assert smtp_backend.messages == []


@pytest.mark.parametrize("ahead", [timedelta(seconds=1), timedelta(seconds=1.5)], ids=str)
def test_a_delivery_goes_out_once_due_give_or_take_a_second(smtp_backend, ahead):
    """One second of clock skew between workers is tolerated; more is waited for."""
    delivery = _delivery()
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=now + ahead)
    with time_machine.travel(now, tick=False):
        outcome = delivery_send(delivery_id=delivery.pk)
    if ahead <= timedelta(seconds=1):
        assert outcome == Delivery.Status.SENT
        smtp_backend.wait_for(1)
    else:
        assert outcome == "not-due"
        assert (_row(delivery).status, smtp_backend.messages) == (Delivery.Status.QUEUED, [])


@pytest.mark.parametrize("age", [CLAIM_TIMEOUT - timedelta(seconds=1), CLAIM_TIMEOUT], ids=str)
def test_another_workers_claim_is_taken_over_once_the_claim_timeout_is_reached(smtp_backend, age):
    delivery = _delivery()
    claimed = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENDING, claimed_at=claimed
    )
    with time_machine.travel(claimed + age, tick=False):
        outcome = delivery_send(delivery_id=delivery.pk)
    if age < CLAIM_TIMEOUT:
        assert (outcome, smtp_backend.messages) == ("busy", [])
    else:
        assert outcome == Delivery.Status.SENT
        smtp_backend.wait_for(1)


class SlowServerBackend(smtp.EmailBackend):
    """Django's SMTP backend talking to a server that takes a minute to answer."""

    clock = None

    def send_messages(self, email_messages):
        SlowServerBackend.clock.shift(60)
        return super().send_messages(email_messages)


@pytest.mark.parametrize(
    "reply, status",
    [(None, Delivery.Status.SENT),
     ("451 4.3.0 Try again later", Delivery.Status.QUEUED),
     ("550 5.1.1 No such user", Delivery.Status.FAILED)],
)  # fmt: skip
def test_an_attempt_is_stamped_when_the_server_answered(settings, smtp_backend, reply, status):
    settings.EMAIL_BACKEND = f"{__name__}.SlowServerBackend"
    if reply:
        smtp_backend.fail_next(1, reply)
    delivery = _delivery()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        SlowServerBackend.clock = clock
        delivery_send(delivery_id=delivery.pk)
    row = _row(delivery)
    answered = start + timedelta(seconds=60)
    assert (row.status, row.updated_at) == (status, answered)
    assert row.sent_at == (answered if status == Delivery.Status.SENT else None)


def test_a_retry_that_goes_through_clears_the_last_error(smtp_backend):
    smtp_backend.fail_next(1)
    delivery = _delivery()
    start = timezone.now()
    assert delivery_send(delivery_id=delivery.pk) == "retry"
    assert _row(delivery).last_error.startswith("SMTPDataError")
    with time_machine.travel(start + timedelta(seconds=31)):
        assert delivery_send(delivery_id=delivery.pk) == Delivery.Status.SENT
    assert (_row(delivery).status, _row(delivery).last_error) == (Delivery.Status.SENT, "")


def test_the_log_names_the_delivery_and_the_servers_answer(smtp_backend, caplog):
    smtp_backend.fail_next(1)
    delivery = _delivery()
    delivery_send(delivery_id=delivery.pk)
    [record] = [r for r in caplog.records if r.name == "masthead.mail.services"]
    assert record.getMessage() == (
        f"Sending delivery {delivery.pk} failed: (451, b'4.3.0 Try again later')"
    )


def test_the_log_names_a_delivery_that_cannot_be_rendered(caplog):
    delivery = email_enqueue(key="k", to="reader@example.org", template="nowhere", context={})
    assert delivery_send(delivery_id=delivery.pk) == Delivery.Status.FAILED
    [record] = [r for r in caplog.records if r.name == "masthead.mail.services"]
    assert record.getMessage() == f"Rendering delivery {delivery.pk} failed"
    assert record.exc_info is not None  # the traceback, for the operator


def test_a_subject_longer_than_its_column_is_kept_cut_and_sent_whole(settings, smtp_backend):
    tests_templates = str(Path(__file__).parent / "templates")  # mailtest/plain: "{{ title }}"
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tests_templates]}]
    # Cut to the column's 255: PostgreSQL would refuse a longer one after the
    # server had accepted the email, leaving the delivery claimed to be sent again.
    title = "A very long headline " * 15
    delivery = email_enqueue(
        key="long", to="reader@example.org", template="mailtest/plain", context={"title": title}
    )
    assert delivery_send(delivery_id=delivery.pk) == Delivery.Status.SENT
    [message] = smtp_backend.wait_for(1)
    subject = " ".join(str(message["Subject"]).split())
    assert subject == title.strip()
    assert _row(delivery).subject == subject[:255]


class LongWindedBackend(smtp.EmailBackend):
    """A connection whose failure says far more than anyone needs to read."""

    def open(self):
        raise ConnectionResetError("reset: " + "the peer went away " * 200)


def test_the_last_error_keeps_its_first_2000_characters(settings):
    settings.EMAIL_BACKEND = f"{__name__}.LongWindedBackend"
    delivery = _delivery()
    assert delivery_send(delivery_id=delivery.pk) == "retry"
    error = _row(delivery).last_error
    assert error.startswith("ConnectionResetError: reset: the peer went away")
    assert len(error) == 2000


@pytest.mark.parametrize(
    ("refused_at", "reply", "retried"),
    [
        ("recipient", "450 4.2.1 Mailbox busy", True),
        ("recipient", "400 4.0.0 Try again later", True),
        ("recipient", "500 5.5.2 Syntax error", False),
        ("recipient", "550 5.1.1 No such user", False),
        ("message", "400 4.0.0 Try again later", True),
        ("message", "500 5.5.2 Syntax error", False),
    ],
)
def test_a_4xx_answer_is_tried_again_and_a_5xx_answer_is_final(
    smtp_backend, refused_at, reply, retried
):
    refuse = smtp_backend.refuse_next if refused_at == "recipient" else smtp_backend.fail_next
    refuse(1, reply)
    delivery = _delivery()
    outcome = delivery_send(delivery_id=delivery.pk)
    row = _row(delivery)
    assert (outcome, row.status) == (
        ("retry", Delivery.Status.QUEUED) if retried else ("failed", Delivery.Status.FAILED)
    )
    assert reply.split()[0] in row.last_error
    assert smtp_backend.messages == [] and row.sent_at is None


def test_retries_wait_30_seconds_then_2_8_and_32_minutes(smtp_backend):
    smtp_backend.fail_next(MAX_ATTEMPTS)
    delivery = _delivery()
    attempt_at, waits = timezone.now(), []
    for _ in range(MAX_ATTEMPTS - 1):
        with time_machine.travel(attempt_at, tick=False):
            assert delivery_send(delivery_id=delivery.pk) == "retry"
        due = _row(delivery).next_attempt_at
        waits.append(due - attempt_at)
        attempt_at = due
    assert waits == [
        timedelta(seconds=30),
        timedelta(minutes=2),
        timedelta(minutes=8),
        timedelta(minutes=32),
    ]


def test_a_line_break_in_the_site_name_becomes_a_space_in_the_sender(settings):
    from django.core import mail

    from masthead.core.models import SiteSettings

    site = SiteSettings.load()
    site.site_name = "The Masthead\r\nCourier"
    site.save()
    delivery = _delivery()
    assert delivery_send(delivery_id=delivery.pk) == Delivery.Status.SENT
    [message] = mail.outbox
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    assert message.from_email == f"The Masthead Courier <{address}>"
