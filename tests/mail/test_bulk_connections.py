"""A worker keeps its SMTP connections from one batch to the next, and closes
them once no batch is due (``masthead/mail/senders.py``)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection

from masthead.mail.bulk import bulk_send_progress, bulk_send_start
from tests.mail import sources  # noqa: F401 (registers the "numbered" source)
from tests.tasks import run_pending_tasks

# Committed rows: the sending threads and the record connection see them only then.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite sends over one connection, unkept"
    ),
]


def test_four_batches_go_over_the_same_two_connections_then_they_close(
    site_home, smtp_backend, settings
):
    settings.MAIL_BULK_CONNECTIONS = 2
    settings.MAIL_BULK_BATCH_SIZE = 5
    send = bulk_send_start(
        key="kept",
        template="mail/notice",
        context={"subject": "Kept", "heading": "Hello", "paragraphs": ["Body."]},
        source="numbered",
        source_args={"count": 20},
    )
    run_pending_tasks()
    messages = smtp_backend.wait_for(20)
    assert Counter(m["To"] for m in messages) == {f"reader{n}@example.org": 1 for n in range(1, 21)}
    assert bulk_send_progress(send_id=send.pk)["status"] == "sent"
    handler = smtp_backend.handler
    # Four batches, two connections each when opened per batch: eight.
    assert len(set(handler.peers)) == 2
    # No batch is due after the last one: both connections said QUIT.
    assert sorted(set(handler.quits)) == sorted(set(handler.peers))
