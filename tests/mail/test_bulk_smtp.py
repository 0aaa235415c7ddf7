"""Bulk emails as a real SMTP server (aiosmtpd on 127.0.0.1) receives them."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from masthead.mail.bulk import bulk_send_progress, bulk_send_start
from masthead.mail.models import BulkDelivery
from masthead.mail.services import MAX_ATTEMPTS
from masthead.mail.suppression import suppression_add, suppression_lift
from tests.mail import sources  # noqa: F401 (registers the "numbered" source)
from tests.smtp_server import _free_port
from tests.tasks import run_pending_tasks

pytestmark = pytest.mark.django_db

CONTEXT = {
    "subject": "Q&A: the café's week",
    "heading": "Fish & chips <3",
    "paragraphs": ["Première.", "Second paragraph."],
}


def start(count=3, key="send-1", **kwargs):
    return bulk_send_start(
        key=key,
        template="mail/notice",
        context=CONTEXT,
        source="numbered",
        source_args={"count": count},
        **kwargs,
    )


def test_received_email_has_both_parts_and_one_click_headers(site_home, smtp_backend):
    start(count=2, from_name="The Morning Brief")
    run_pending_tasks()
    messages = smtp_backend.wait_for(2)
    message = next(m for m in messages if m["To"] == "reader2@example.org")
    assert message["Subject"] == "Q&A: the café's week"
    assert message["From"] == "The Morning Brief <news@localhost>"
    assert message["List-Unsubscribe"] == "<http://testserver/newsletters/unsubscribe/2/>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith("@localhost>")
    assert message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Fish & chips <3" in text
    assert "Première." in text
    assert "Unsubscribe: http://testserver/newsletters/unsubscribe/2/" in text
    assert "Fish &amp; chips &lt;3" in html
    assert 'href="http://testserver/newsletters/unsubscribe/2/"' in html
    assert "reader1@example.org" not in message.as_string()
    envelope_from, envelope_to = smtp_backend.handler.envelopes[messages.index(message)]
    assert (envelope_from, envelope_to) == ("news@localhost", ["reader2@example.org"])


def test_message_ids_differ_per_recipient_and_repeat_per_send(site_home, smtp_backend):
    start(count=2)
    run_pending_tasks()
    ids = {m["Message-ID"] for m in smtp_backend.wait_for(2)}
    assert len(ids) == 2


def test_suppressed_addresses_are_skipped_and_counted(site_home, smtp_backend):
    suppression_add(address="Reader2@Example.org", reason="bounced")
    send = start(count=3)
    run_pending_tasks()
    received = sorted(m["To"] for m in smtp_backend.wait_for(2))
    assert received == ["reader1@example.org", "reader3@example.org"]
    progress = bulk_send_progress(send_id=send.pk)
    assert (progress["sent"], progress["suppressed"], progress["status"]) == (2, 1, "sent")


def test_a_lifted_suppression_receives_the_next_send(site_home, smtp_backend):
    suppression_add(address="reader1@example.org", reason="complained")
    suppression_lift(address="READER1@example.org")
    start(count=1)
    run_pending_tasks()
    assert [m["To"] for m in smtp_backend.wait_for(1)] == ["reader1@example.org"]


def test_a_transient_refusal_is_retried_after_the_backoff(site_home, smtp_backend):
    smtp_backend.fail_next(1)  # 451 for the first message
    send = start(count=2)
    run_pending_tasks()
    assert len(smtp_backend.wait_for(1)) == 1
    assert bulk_send_progress(send_id=send.pk)["status"] == "sending"
    retry = BulkDelivery.objects.get(status="queued")
    assert retry.attempts == 1 and "451" in retry.last_error
    with time_machine.travel(timezone.now() + timedelta(seconds=31), tick=False):
        run_pending_tasks()
    assert len(smtp_backend.wait_for(2)) == 2
    assert bulk_send_progress(send_id=send.pk)["status"] == "sent"


def test_a_permanent_refusal_is_recorded_and_the_send_is_not_sent(site_home, smtp_backend):
    smtp_backend.fail_next(1, "550 5.1.1 No such mailbox")
    send = start(count=2)
    run_pending_tasks()
    assert len(smtp_backend.wait_for(1)) == 1
    failed = BulkDelivery.objects.get(status="failed")
    assert "550" in failed.last_error
    progress = bulk_send_progress(send_id=send.pk)
    assert (progress["sent"], progress["failed"], progress["status"]) == (1, 1, "partial")


def test_transient_failures_give_up_after_the_last_attempt(site_home, smtp_backend):
    smtp_backend.fail_next(MAX_ATTEMPTS)
    send = start(count=1)
    now = timezone.now()
    for attempt in range(MAX_ATTEMPTS):
        with time_machine.travel(now + timedelta(hours=attempt), tick=False):
            run_pending_tasks()
    progress = bulk_send_progress(send_id=send.pk)
    assert (progress["failed"], progress["status"]) == (1, "failed")
    assert smtp_backend.messages == []


def test_an_unreachable_server_defers_the_batch(site_home, smtp_backend, settings):
    settings.EMAIL_PORT = _free_port()  # nothing listens there
    send = start(count=3)
    run_pending_tasks()
    progress = bulk_send_progress(send_id=send.pk)
    assert (progress["queued"], progress["status"]) == (3, "sending")
    assert set(BulkDelivery.objects.values_list("attempts", flat=True)) == {1}


def test_lines_that_start_with_a_dot_arrive_whole(site_home, smtp_backend):
    """SMTP ends a message at a line holding only "." and drops the first dot of
    any other line starting with one unless it is doubled (RFC 5321 4.5.2)."""
    bulk_send_start(
        key="dots",
        template="mail/notice",
        context={**CONTEXT, "paragraphs": [".NET ships on Tuesday.", ".", "..and more"]},
        source="numbered",
        source_args={"count": 1},
    )
    run_pending_tasks()
    (message,) = smtp_backend.wait_for(1)
    lines = message.get_body(("plain",)).get_content().splitlines()
    assert lines[4:9] == [".NET ships on Tuesday.", "", ".", "", "..and more"]
