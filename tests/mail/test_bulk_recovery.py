"""What a dead worker leaves behind is picked up; what a source or template
gets wrong fails loudly; the rate is respected."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from masthead.mail.bulk import bulk_send_progress, bulk_send_start, bulk_sweep
from masthead.mail.fanout import bulk_fanout
from masthead.mail.models import BulkBatch, BulkDelivery, BulkSend
from masthead.mail.recipients import Recipient, recipient_source
from masthead.mail.sending import bulk_batch_send
from masthead.mail.transport import RateLimiter
from masthead.settings import env
from tests.mail import sources  # noqa: F401 (registers the "numbered" source)
from tests.tasks import run_pending_tasks

pytestmark = pytest.mark.django_db

CONTEXT = {"subject": "S", "heading": "H", "paragraphs": ["P."]}


def start(source="numbered", args=None, key="k"):
    return bulk_send_start(
        key=key,
        template="mail/notice",
        context=CONTEXT,
        source=source,
        source_args=args if args is not None else {"count": 4},
    )


def test_a_batch_held_by_a_dead_worker_is_sent_once_its_lease_lapses(site_home):
    send = start()
    bulk_fanout(send_id=send.pk)
    batch = BulkBatch.objects.get()
    # A worker claimed it and died: the claim stays, the lease runs out.
    BulkBatch.objects.filter(pk=batch.pk).update(
        status="running", claim="dead", lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert bulk_batch_send(batch_id=batch.pk) == "done"  # a lapsed lease may be taken over
    assert len(mail.outbox) == 4
    assert bulk_send_progress(send_id=send.pk)["status"] == "sent"


def test_a_live_lease_keeps_other_workers_out(site_home):
    send = start()
    bulk_fanout(send_id=send.pk)
    batch = BulkBatch.objects.get()
    BulkBatch.objects.filter(pk=batch.pk).update(
        status="running", claim="alive", lease_until=timezone.now() + timedelta(seconds=60)
    )
    assert bulk_batch_send(batch_id=batch.pk) == "skipped"
    assert mail.outbox == []


def test_the_sweep_hands_on_a_lapsed_batch_and_a_lapsed_fanout(site_home):
    send = start(args={"count": 3})
    BulkSend.objects.filter(pk=send.pk).update(
        status="sending", lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert bulk_sweep() == 1
    run_pending_tasks()
    assert len(mail.outbox) == 3
    assert BulkSend.objects.get(pk=send.pk).status == "sent"


def test_already_sent_deliveries_are_not_sent_again(site_home):
    send = start()
    bulk_fanout(send_id=send.pk)
    BulkDelivery.objects.filter(ref__in=[1, 2]).update(status="sent")
    run_pending_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["reader3@example.org", "reader4@example.org"]


def test_a_failing_source_fails_the_send_loudly(site_home):
    @recipient_source("broken")
    def broken(*, args, after, limit):
        raise RuntimeError("subscriptions table is gone")

    send = start(source="broken", args={})
    run_pending_tasks()
    progress = bulk_send_progress(send_id=send.pk)
    assert progress["status"] == "failed"
    assert "subscriptions table is gone" in progress["error"]


def test_a_source_out_of_order_fails_the_send(site_home):
    @recipient_source("unordered")
    def unordered(*, args, after, limit):
        return [Recipient(2, "b@example.org"), Recipient(1, "a@example.org")] if not after else []

    send = start(source="unordered", args={})
    run_pending_tasks()
    assert bulk_send_progress(send_id=send.pk)["status"] == "failed"
    assert mail.outbox == []


def test_invalid_addresses_are_failed_and_the_others_sent(site_home):
    @recipient_source("mixed")
    def mixed(*, args, after, limit):
        if after:
            return []
        return [Recipient(1, "good@example.org"), Recipient(2, "bad\r\nBcc: x@evil.org")]

    send = start(source="mixed", args={})
    run_pending_tasks()
    progress = bulk_send_progress(send_id=send.pk)
    assert (progress["sent"], progress["failed"], progress["status"]) == (1, 1, "partial")
    assert [m.to for m in mail.outbox] == [["good@example.org"]]


def test_a_send_to_nobody_is_sent(site_home):
    send = start(args={"count": 0})
    run_pending_tasks()
    assert bulk_send_progress(send_id=send.pk)["status"] == "sent"


def test_the_rate_limiter_spaces_messages():
    sleeps = []
    limiter = RateLimiter(10)
    with (
        mock.patch("masthead.mail.transport.time.monotonic", return_value=100.0),
        mock.patch("masthead.mail.transport.time.sleep", side_effect=sleeps.append),
    ):
        limiter._next = 100.0
        for _ in range(4):
            limiter.wait()
    assert sleeps == pytest.approx([0.1, 0.2, 0.3])


def test_no_rate_means_no_waiting():
    with mock.patch("masthead.mail.transport.time.sleep") as sleep:
        for _ in range(3):
            RateLimiter(0).wait()
    sleep.assert_not_called()


def test_email_url_selects_an_anymail_provider(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "anymail://postmark")
    assert env.email("EMAIL_URL") == {"EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend"}
    monkeypatch.setenv("EMAIL_URL", "anymail://../evil")
    with pytest.raises(env.SettingError):
        env.email("EMAIL_URL")
