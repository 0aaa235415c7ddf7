"""Fault test: a bulk send survives its worker being SIGKILLed twice.

A send to ``MASTHEAD_FAULT_RECIPIENTS`` readers (5,000 by default, so the
suite stays quick; the figure quoted in the README is from 20,000) goes into a
recording SMTP sink on 127.0.0.1 while ``masthead worker`` runs it against
PostgreSQL. The worker is killed with SIGKILL at a third and at two thirds of
the send, and restarted once its lease has lapsed. Every reader must have the
email (missing = 0); repeats are bounded by kills × open SMTP connections.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from bench.mailrig import Rig
from masthead.mail.bulk import bulk_send_start
from masthead.mail.models import BulkBatch, BulkDelivery, BulkSend
from tests.mail import sources  # noqa: F401 (registers the "numbered" source)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

RECIPIENTS = int(os.environ.get("MASTHEAD_FAULT_RECIPIENTS", "5000"))
CONNECTIONS = 16  # MAIL_BULK_CONNECTIONS as shipped: the bound is tested as it is promised
KILLS = 2


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _wait(condition, *, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tail = log.read_text()[-3000:] if log.exists() else ""
            raise AssertionError(f"timed out waiting for {what}; the worker said:\n{tail}")
        time.sleep(0.05)


def _sent(send_id: int) -> int:
    return BulkDelivery.objects.filter(send_id=send_id, status="sent").count()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the fault test runs on PostgreSQL")
def test_a_send_killed_twice_misses_nobody_and_repeats_within_the_bound(site_home):
    with (
        tempfile.TemporaryDirectory(prefix="masthead-fault-") as tmp,
        Rig(
            Path(tmp),
            database_url=_database_url(),
            record=True,
            MAIL_BULK_CONNECTIONS=str(CONNECTIONS),
            MAIL_BULK_BATCH_SIZE="500",
            MAIL_BULK_LEASE_SECONDS="2",
        ) as rig,
    ):
        rig.start_worker()
        send = bulk_send_start(
            key="fault",
            template="mail/notice",
            context={"subject": "Fault test", "heading": "Hello", "paragraphs": ["Body."]},
            source="numbered",
            source_args={"count": RECIPIENTS},
        )
        for kill in range(1, KILLS + 1):
            target = RECIPIENTS * kill // (KILLS + 1)
            _wait(
                lambda t=target: _sent(send.pk) >= t,
                timeout=120,
                what=f"{target} sent",
                log=rig.tmp / "worker.log",
            )
            rig.kill_worker()
            # The restarted worker's first sweep hands on what the dead one held.
            _wait(
                lambda: not BulkBatch.objects.filter(lease_until__gt=timezone.now()).exists(),
                timeout=30,
                what="the dead worker's lease to lapse",
                log=rig.tmp / "worker.log",
            )
            rig.start_worker()
        _wait(
            lambda: BulkSend.objects.get(pk=send.pk).status == "sent",
            timeout=240,
            what="the send to finish",
            log=rig.tmp / "worker.log",
        )
        received = Counter(rig.recipients())
    expected = {f"reader{n}@example.org" for n in range(1, RECIPIENTS + 1)}
    missing = len(expected - set(received))
    duplicates = sum(received.values()) - len(received)
    bound = KILLS * CONNECTIONS
    print(
        f"\nfault test: {RECIPIENTS} recipients, {KILLS} SIGKILLs, {CONNECTIONS} connections: "
        f"missing={missing} duplicates={duplicates} bound={bound}"
    )
    assert set(received) == expected
    assert missing == 0
    assert duplicates <= bound
