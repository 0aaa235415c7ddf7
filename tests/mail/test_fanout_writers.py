"""The fan-out's page writers on PostgreSQL (``fanout._PageWriter``): two threads
write pages at once, yet pages commit in order, each with its batch, and a
rival that moved the cursor stops them without an error."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from masthead.mail import fanout
from masthead.mail.bulk import bulk_send_start
from masthead.mail.fanout import bulk_fanout
from masthead.mail.models import BulkBatch, BulkDelivery, BulkSend
from masthead.mail.recipients import Recipient, recipient_source
from tests.mail import sources  # noqa: F401 (registers the "numbered" source)

# Committed rows: the writer threads use connections of their own.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite writes each page at once, in order"
    ),
]

CONTEXT = {"subject": "Pages", "heading": "Hello", "paragraphs": ["Body."]}


def start(source: str, count: int, key: str) -> BulkSend:
    return bulk_send_start(
        key=key, template="mail/notice", context=CONTEXT, source=source,
        source_args={"count": count},
    )  # fmt: skip


def test_pages_written_two_at_a_time_commit_in_order_with_their_batches(site_home, settings):
    settings.MAIL_BULK_BATCH_SIZE = 3
    send = start("numbered", 100, "in-order")
    assert bulk_fanout(send_id=send.pk) == "fanned-out"
    refs = list(
        BulkDelivery.objects.filter(send=send).order_by("ref").values_list("ref", flat=True)
    )
    assert refs == list(range(1, 101))
    batches = list(BulkBatch.objects.filter(send=send).order_by("after_ref"))
    assert [(b.after_ref, b.last_ref) for b in batches] == [
        (after, min(after + 3, 100)) for after in range(0, 100, 3)
    ]
    send.refresh_from_db()
    assert (send.cursor, send.fanned_out) == (100, True)


@recipient_source("rival")
def rival_moves_the_cursor(*, args: dict, after: int, limit: int) -> list[Recipient]:
    """Numbered readers; when asked for the page after ref 30, another worker
    (its lease having lapsed, say) has moved the send's cursor on."""
    if after == 30:
        BulkSend.objects.filter(key=args["key"]).update(cursor=1000)
    last = min(after + limit, int(args["count"]))
    return [Recipient(ref=n, address=f"reader{n}@example.org") for n in range(after + 1, last + 1)]


def test_a_rival_that_moved_the_cursor_stops_the_writers_quietly(site_home, settings):
    settings.MAIL_BULK_BATCH_SIZE = 10
    send = bulk_send_start(
        key="rival", template="mail/notice", context=CONTEXT, source="rival",
        source_args={"count": 100, "key": "rival"},
    )  # fmt: skip
    assert bulk_fanout(send_id=send.pk) == "lost-lease"
    # What is in is whole pages, in order, from the first, each with its batch;
    # no page read after the move (refs over 30) was committed.
    written = set(BulkDelivery.objects.filter(send=send).values_list("ref", flat=True))
    pages = len(written) // 10
    assert pages <= 3 and written == set(range(1, 10 * pages + 1))
    assert BulkBatch.objects.filter(send=send).count() == pages
    send.refresh_from_db()
    assert send.cursor == 1000  # the rival's, untouched


def first_page_waits_for(monkeypatch, event: threading.Event) -> None:
    """The first page's rows are written only once ``event`` is set (bounded)."""
    insert = fanout._insert_deliveries

    def first_page_later(send_id, rows):
        if rows[0].ref == 1:
            event.wait(timeout=30)
        insert(send_id, rows)

    monkeypatch.setattr(fanout, "_insert_deliveries", first_page_later)


def told_when_a_page_stops(monkeypatch, event: threading.Event) -> None:
    """``event`` is set once a page has been recorded as stopped."""
    stopped = fanout._PageWriter._stopped

    def stopped_and_told(writer, **kwargs):
        stopped(writer, **kwargs)
        event.set()

    monkeypatch.setattr(fanout._PageWriter, "_stopped", stopped_and_told)


def test_refs_another_worker_already_wrote_stop_the_writers_quietly(
    site_home, settings, monkeypatch
):
    """A worker whose lease lapsed mid-page: the new holder's rows for the same
    refs meet the unique index before the cursor; that stops the fan-out as a
    lost lease, not as a crash. The page before, still being written when the
    second stopped, is committed all the same (the order is forced here)."""
    settings.MAIL_BULK_BATCH_SIZE = 10
    second_page_stopped = threading.Event()
    first_page_waits_for(monkeypatch, second_page_stopped)
    told_when_a_page_stops(monkeypatch, second_page_stopped)
    send = start("numbered", 40, "taken-refs")
    BulkDelivery.objects.create(send=send, ref=15, to="reader15@example.org", context={})
    assert bulk_fanout(send_id=send.pk) == "lost-lease"
    refs = set(BulkDelivery.objects.filter(send=send).values_list("ref", flat=True))
    assert refs == set(range(1, 11)) | {15}  # the first page; the taken one; nothing after
    send.refresh_from_db()
    assert send.cursor == 10


_second_page_stopped = threading.Event()
_closing = threading.Event()


@recipient_source("numbered-after-the-stop")
def numbered_after_the_stop(*, args: dict, after: int, limit: int) -> list[Recipient]:
    """Numbered readers; the fourth page is read only once a writer has stopped,
    so the fan-out learns of the stop from ``write`` and gives up early."""
    if after == 30:
        _second_page_stopped.wait(timeout=30)
    last = min(after + limit, int(args["count"]))
    return [Recipient(ref=n, address=f"reader{n}@example.org") for n in range(after + 1, last + 1)]


def test_a_page_still_being_written_when_the_fanout_gives_up_commits(
    site_home, settings, monkeypatch
):
    """The second page meets a rival's row; the fan-out hears of it while handing
    over a later page and gives up; the first page, still being written then,
    is committed all the same: the pages before a stop are good work."""
    settings.MAIL_BULK_BATCH_SIZE = 10
    _second_page_stopped.clear()
    _closing.clear()
    send = start("numbered-after-the-stop", 100, "in-flight")
    BulkDelivery.objects.create(send=send, ref=15, to="reader15@example.org", context={})
    first_page_waits_for(monkeypatch, _closing)
    told_when_a_page_stops(monkeypatch, _second_page_stopped)
    close = fanout._PageWriter.close

    def close_and_told(writer):
        _closing.set()
        close(writer)

    monkeypatch.setattr(fanout._PageWriter, "close", close_and_told)
    assert bulk_fanout(send_id=send.pk) == "lost-lease"
    assert _closing.is_set()  # it gave up early, through close()
    refs = set(BulkDelivery.objects.filter(send=send).values_list("ref", flat=True))
    assert refs == set(range(1, 11)) | {15}
    send.refresh_from_db()
    assert send.cursor == 10


def test_a_writer_that_fails_says_so_in_the_log_and_to_the_caller(
    site_home, settings, monkeypatch, caplog
):
    """A writer's error reaches the caller through finish() and is logged where
    it happened, so a caller that gave up first cannot swallow it."""
    settings.MAIL_BULK_BATCH_SIZE = 10
    send = start("numbered", 30, "writer-fails")
    insert = fanout._insert_deliveries

    def second_page_breaks(send_id, rows):
        if rows[0].ref == 11:
            raise RuntimeError("disk full")
        insert(send_id, rows)

    monkeypatch.setattr(fanout, "_insert_deliveries", second_page_breaks)
    with pytest.raises(RuntimeError, match="disk full"):
        bulk_fanout(send_id=send.pk)
    assert f"A page writer of send {send.pk} failed" in caplog.text
    written = set(BulkDelivery.objects.filter(send=send).values_list("ref", flat=True))
    assert written <= set(range(1, 11))  # nothing at or after the broken page
