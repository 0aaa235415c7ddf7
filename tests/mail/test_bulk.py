"""Bulk sends: fan-out in batches, one delivery per recipient, progress, outcome."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from masthead.mail.bulk import bulk_send_progress, bulk_send_start
from masthead.mail.fanout import bulk_fanout
from masthead.mail.models import BulkBatch, BulkDelivery, BulkSend
from masthead.mail.services import EmailError
from tests.mail import sources  # noqa: F401 (registers the "numbered" source)
from tests.tasks import run_pending_tasks

pytestmark = pytest.mark.django_db

CONTEXT = {"subject": "Weekend edition", "heading": "The week", "paragraphs": ["One.", "Two."]}


def start(count=5, key="send-1", **kwargs):
    return bulk_send_start(
        key=key,
        template="mail/notice",
        context=CONTEXT,
        source="numbered",
        source_args={"count": count},
        **kwargs,
    )


def test_a_send_reaches_every_recipient_once_with_unsubscribe_headers(site_home):
    send = start(count=5)
    run_pending_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == [f"reader{n}@example.org" for n in range(1, 6)]
    first = next(m for m in mail.outbox if m.to == ["reader1@example.org"])
    assert first.subject == "Weekend edition"
    assert first.extra_headers["List-Unsubscribe"] == (
        "<http://testserver/newsletters/unsubscribe/1/>"
    )
    assert first.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "http://testserver/newsletters/unsubscribe/1/" in first.body
    assert bulk_send_progress(send_id=send.pk) == {
        "queued": 0,
        "sent": 5,
        "failed": 0,
        "suppressed": 0,
        "total": 5,
        "status": "sent",
        "fanned_out": True,
        "error": "",
    }


def test_fan_out_makes_one_task_per_batch_not_per_recipient(site_home, settings):
    settings.MAIL_BULK_BATCH_SIZE = 10
    send = start(count=35)
    bulk_fanout(send_id=send.pk)
    assert BulkDelivery.objects.count() == 35
    assert BulkBatch.objects.count() == 4
    batch_tasks = DBTaskResult.objects.ready().filter(task_path__endswith="bulk_batch_task")
    assert batch_tasks.count() == 4


def test_the_same_key_starts_one_send(site_home):
    first = start(count=3)
    second = start(count=3)
    assert first.pk == second.pk
    run_pending_tasks()
    assert len(mail.outbox) == 3
    assert BulkSend.objects.count() == 1


def test_a_broken_template_is_refused_at_start(site_home):
    with pytest.raises(EmailError):
        bulk_send_start(
            key="x", template="mail/missing", context={}, source="numbered", source_args={}
        )


def test_an_unknown_source_is_refused_at_start(site_home):
    with pytest.raises(EmailError, match="No recipient source"):
        bulk_send_start(
            key="x", template="mail/notice", context=CONTEXT, source="nope", source_args={}
        )


def test_a_send_is_rendered_once_for_all_its_batches(site_home, settings, monkeypatch):
    """Rendering the template and inlining its CSS cost more than a hundred
    messages; a process prepares a send's email once, not once per batch."""
    from masthead.mail import sending

    settings.MAIL_BULK_BATCH_SIZE = 10
    prepared = []
    real = sending.email_prepare
    monkeypatch.setattr(sending, "email_prepare", lambda **kw: prepared.append(kw) or real(**kw))
    start(count=35, key="send-rendered-once")
    run_pending_tasks()
    assert BulkBatch.objects.filter(status=BulkBatch.Status.DONE).count() == 4
    assert len(mail.outbox) == 35
    assert len(prepared) == 1
    last = next(m for m in mail.outbox if m.to == ["reader35@example.org"])
    assert "http://testserver/newsletters/unsubscribe/35/" in last.body


def test_a_kept_email_is_never_given_to_another_send():
    """A test database (SQLite after a rollback) can give a new send an old one's
    id and key: its own template and context decide, and so do the site's values."""
    from masthead.mail.sending import _prepared

    def send(subject):
        return BulkSend(
            pk=1, key="k", template="mail/notice", context={**CONTEXT, "subject": subject}
        )

    first, _ = _prepared(send("Monday"), ["unsubscribe_url"])
    again, _ = _prepared(send("Monday"), ["unsubscribe_url"])
    other, _ = _prepared(send("Tuesday"), ["unsubscribe_url"])
    assert again is first
    assert (first.subject, other.subject) == ("Monday", "Tuesday")


def test_deleting_a_send_takes_its_deliveries_and_batches(site_home, settings):
    """The deliveries' link to their send has no constraint in the database
    (decision 0010): Django's cascade is what removes them."""
    settings.MAIL_BULK_BATCH_SIZE = 2
    kept, gone = start(count=3, key="kept"), start(count=4, key="gone")
    bulk_fanout(send_id=kept.pk)
    bulk_fanout(send_id=gone.pk)
    assert BulkDelivery.objects.filter(send=gone).count() == 4
    BulkSend.objects.get(pk=gone.pk).delete()
    assert not BulkDelivery.objects.filter(send_id=gone.pk).exists()
    assert not BulkBatch.objects.filter(send_id=gone.pk).exists()
    assert BulkDelivery.objects.filter(send=kept).count() == 3
