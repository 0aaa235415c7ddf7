"""Task workers killed with SIGKILL at random moments while a queue of emails
goes out: every email arrives within two minutes of the last kill, and an
email goes out twice at most once per kill (issue 9, item 18).

Real processes against PostgreSQL: two ``masthead worker`` sending to a real
SMTP server on 127.0.0.1 (aiosmtpd, answering each message after 20 ms so the
send lasts long enough to be interrupted); each kill is followed by a restart.
Bounded: ``EMAILS`` emails, ``KILLS`` kills, two minutes after the last one.
Runs only when ``DATABASE_URL`` is PostgreSQL, in a database of its own.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections import Counter

import pytest

from tests.serving import MASTHEAD, free_port, postgres_database, production_env, stop
from tests.smtp_server import SMTPServer

pytestmark = pytest.mark.slow

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
    pytest.skip("needs DATABASE_URL=postgres://... (PostgreSQL)", allow_module_level=True)

EMAILS = 400
WORKERS = 2
KILLS = 5
RECOVERY_LIMIT = 120  # seconds from the last kill to the last email
SMTP_CONNECTIONS_PER_WORKER = 1  # a worker sends one email at a time

ENQUEUE = f"""
from django.db import transaction
from masthead.mail.services import email_enqueue
with transaction.atomic():
    for n in range({EMAILS}):
        email_enqueue(key=f"fault-{{n}}", to=f"reader{{n}}@example.org",
                      template="accounts/signin_link",
                      context={{"signin_url": f"https://example.org/s/{{n}}/",
                                "email": f"reader{{n}}@example.org", "valid_minutes": 60}})
"""


@pytest.fixture
def smtp():
    server = SMTPServer()
    server.handler.delay = 0.02
    server.controller.start()
    try:
        yield server
    finally:
        server.controller.stop()


def _start_worker(env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(
        [*MASTHEAD, "worker", "--no-scheduler", "--interval", "0.2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def test_killed_workers_lose_no_email_and_repeat_at_most_one_per_kill(smtp, tmp_path):
    seed = random.randrange(1_000_000)
    chance = random.Random(seed)
    with postgres_database(DATABASE_URL, "kills") as database_url:
        env = production_env(
            tmp_path,
            port=free_port(),
            database_url=database_url,
            EMAIL_URL=f"smtp://{smtp.host}:{smtp.port}",
        )
        run = {"env": env, "check": True, "timeout": 300, "capture_output": True}
        subprocess.run([*MASTHEAD, "manage", "migrate", "-v", "0"], **run)
        subprocess.run([*MASTHEAD, "manage", "shell", "-c", ENQUEUE], **run)
        log = (tmp_path / "workers.log").open("ab")
        workers = [_start_worker(env, log) for _ in range(WORKERS)]
        started = [time.monotonic()] * WORKERS
        try:
            kills = 0
            while kills < KILLS:
                # Mid-send: after a random number of further emails has gone out,
                # the worker that has been up longest (the other may still be starting).
                target = min(len(smtp.messages) + chance.randint(5, 40), EMAILS)
                smtp.wait_for(target, timeout=60)
                if target >= EMAILS:
                    break
                victim = min(range(WORKERS), key=lambda n: started[n])
                # at a random point of its send cycle (one email takes ~20-60 ms):
                # taking the task, claiming the delivery, talking SMTP, marking it sent
                time.sleep(chance.uniform(0, 0.1))
                workers[victim].send_signal(signal.SIGKILL)
                workers[victim].wait(timeout=10)
                kills += 1
                workers[victim] = _start_worker(env, log)
                started[victim] = time.monotonic()
            last_kill = time.monotonic()
            sent_before_last_kill = len(smtp.messages)
            deadline = last_kill + RECOVERY_LIMIT
            arrived_by = None
            while time.monotonic() < deadline:
                ids = Counter(message["Message-ID"] for message in list(smtp.messages))
                if len(ids) >= EMAILS and arrived_by is None:
                    arrived_by = time.monotonic() - last_kill
                # and the books agree: every delivery sent, no task held by a dead worker
                if arrived_by is not None and _queue_state(database_url) == ({"sent": EMAILS}, 0):
                    break
                time.sleep(0.5)  # polling the sink and the database, bounded by the deadline
            settled = time.monotonic() - last_kill
        finally:
            for worker in workers:
                stop(worker)
            log.close()

        ids = Counter(message["Message-ID"] for message in smtp.messages)
        missing = EMAILS - len(ids)
        duplicates = sum(ids.values()) - len(ids)
        print(
            f"\nseed {seed}: {kills} kills of {WORKERS} workers, {EMAILS} emails; "
            f"{sent_before_last_kill} accepted before the last kill; every email arrived "
            f"{arrived_by if arrived_by is None else round(arrived_by, 1)} s after it, every "
            f"delivery marked sent {settled:.1f} s after it; "
            f"missing {missing}, duplicates {duplicates}"
        )
        assert kills == KILLS, "the queue emptied before every kill landed"
        assert missing == 0, (tmp_path / "workers.log").read_text()[-3000:]
        assert duplicates <= KILLS * SMTP_CONNECTIONS_PER_WORKER
        assert _queue_state(database_url) == ({"sent": EMAILS}, 0)
        assert settled < RECOVERY_LIMIT


def _queue_state(database_url: str) -> tuple[dict[str, int], int]:
    """Deliveries by status, and how many tasks are held by a worker."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        statuses = dict(conn.execute("SELECT status, count(*) FROM mail_delivery GROUP BY 1"))
        running = conn.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
        ).fetchone()[0]
    return statuses, running
