"""Bulk sends: fan-out in batches, one delivery per recipient, progress, outcome."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from masthead.mail.bulk import bulk_fanout, bulk_send_progress, bulk_send_start
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
