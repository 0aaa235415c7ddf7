"""``python -m bench.mailsend --database-url postgres://…``: bulk-send throughput.

A send to ``--recipients`` readers (100,000) on PostgreSQL through ``masthead
worker`` into a counting SMTP sink on 127.0.0.1, end to end: from
``bulk_send_start`` to the send settled as *sent*, fan-out included. Also a send
to ``--small`` (10,000) in a fresh worker, so the two peaks show whether the
worker's memory grows with the send.

The reference is the sink's ceiling: fresh processes started like the worker
(as many as ``--workers``, each with ``--connections`` connections) pushing
the same message, pre-rendered, over the same wire exchange, warmed up first.
A ceiling is measured before the first send and after every send, and each
send's ratio is taken against the mean of the ceilings on either side of it;
``--rounds`` repeats the pair of sends and the table gives medians. Goals:
>= 1,500 messages/s, >= 50 % of the ceiling, worker peak under 250 MB and flat
from 10,000 to 100,000.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

from .mailrig import Rig, push

GOAL_RATE, GOAL_RATIO, GOAL_MB = 1500, 0.5, 250


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.mailsend", description=__doc__)
    parser.add_argument("--database-url", required=True, help="PostgreSQL on 127.0.0.1")
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument(
        "--connections", type=int, default=16, help="MAIL_BULK_CONNECTIONS (its default)"
    )
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--rounds", type=int, default=3, help="pairs of sends, interleaved")
    parser.add_argument("--ceiling-count", type=int, default=30_000)
    parser.add_argument("--quick", action="store_true", help="20,000 and 5,000 recipients")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.quick:
        args.recipients, args.small, args.ceiling_count = 20_000, 5_000, 10_000
    return args


def _clear() -> None:
    """Forget earlier sends (TRUNCATE: a cascading delete of 100,000 rows is slow)."""
    from django.db import DatabaseError, connection
    from django_tasks_db.models import DBTaskResult

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE mail_bulkdelivery, mail_bulkbatch, mail_bulksend")
    DBTaskResult.objects.filter(task_path__contains=".bulk_").delete()
    # The last send's writes are still being checkpointed to disk; without this,
    # that work lands in the next timed send (a 10,000 send took 2.9 s after a
    # 100,000 one, 1.5 s on its own).
    with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")  # needs a superuser or pg_checkpoint; skipped otherwise


def _wait_for_workers(rig: Rig) -> None:
    deadline = time.monotonic() + 60
    for i, worker in enumerate(rig.workers):
        log = rig.tmp / f"worker{i}.log"
        while "processing queues" not in (log.read_text() if log.exists() else ""):
            if time.monotonic() > deadline or worker.poll() is not None:
                raise SystemExit(f"bench: the worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.05)


CONTEXT = {
    "subject": "The Morning Brief: harbour reopens, council votes",
    "heading": "Good morning",
    "paragraphs": [
        "The harbour reopened at dawn after three weeks of repairs; the first ferry left on time.",
        "The council votes tonight on the cycle lanes along the river road.",
    ]
    * 6,
}


def _send(rig: Rig, count: int, workers: int) -> dict:
    from masthead.mail.bulk import bulk_send_start
    from masthead.mail.models import BulkSend

    _clear()
    rig.start_workers(workers)
    _wait_for_workers(rig)
    before = rig.received()
    started = time.perf_counter()
    send = bulk_send_start(
        key=f"bench-{count}-{secrets.token_hex(4)}",
        template="mail/notice",
        context=CONTEXT,
        source="numbered",
        source_args={"count": count, "site": "http://127.0.0.1:8000"},
    )
    deadline = time.monotonic() + 1800
    while (status := BulkSend.objects.get(pk=send.pk).status) in ("queued", "sending"):
        if time.monotonic() > deadline or any(w.poll() is not None for w in rig.workers):
            raise SystemExit(f"bench: the send did not finish ({status})")
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    peak = max(rig.worker_memory_mb("VmHWM", worker) for worker in rig.workers)
    received = rig.received() - before
    rig.stop_workers()
    return {
        "recipients": count,
        "status": status,
        "received": received,
        "seconds": elapsed,
        "per_s": count / elapsed,
        "peak_mb": peak,
    }


def _row(label: str, per_s: float, ratio: str, seconds: str, peak: str) -> str:
    return f"{label:<32}{per_s:>9,.0f}{ratio:>11}{seconds:>9}{peak:>9}"


def main(argv=None) -> int:
    args = parse_args(argv)
    from . import __main__ as bench_main

    bench_main._local(args.database_url, "--database-url")
    bench_main._ensure_postgres_database(args.database_url)
    with (
        tempfile.TemporaryDirectory(prefix="masthead-mailsend-") as tmp,
        Rig(Path(tmp), database_url=args.database_url,
            MAIL_BULK_CONNECTIONS=str(args.connections)) as rig,
    ):  # fmt: skip
        os.environ.update(rig.env)
        import django

        django.setup()
        from django.core.management import call_command

        from masthead.mail.rendering import email_render
        from masthead.mail.sending import list_unsubscribe_headers
        from masthead.mail.transport import from_header, mime_bytes

        from . import recipients  # noqa: F401 (registers the "numbered" source)

        call_command("migrate", verbosity=0, interactive=False)
        personal = {"unsubscribe_url": "http://127.0.0.1:8000/newsletters/unsubscribe/1/"}
        message = mime_bytes(
            rendered=email_render(template="mail/notice", context=CONTEXT, personal=personal),
            sender=from_header(""),
            to="ceiling@example.org",
            message_id="<ceiling@localhost>",
            headers=list_unsubscribe_headers(personal),
        )

        def ceiling() -> float:
            rate = push(rig.port, message, count=args.ceiling_count, connections=args.connections,
                        processes=args.workers, tmp=Path(tmp))  # fmt: skip
            print(f"  sink ceiling                 {rate:>8,.0f} msg/s", flush=True)
            return rate

        print(f"bench.mailsend: message of {len(message):,} bytes, {args.workers} worker "
              f"process(es) x {args.connections} SMTP connections, {args.rounds} round(s)",
              flush=True)  # fmt: skip
        ceilings = [ceiling()]
        runs = []
        for _ in range(args.rounds):
            for count in (args.small, args.recipients):
                run = _send(rig, count, args.workers)
                print(f"  bulk send {count:>7,}          {run['per_s']:>8,.0f} msg/s  "
                      f"{run['seconds']:.1f} s  peak {run['peak_mb']:.0f} MB  {run['status']}",
                      flush=True)  # fmt: skip
                ceilings.append(ceiling())
                run["ceiling"] = (ceilings[-2] + ceilings[-1]) / 2
                runs.append(run)
        _clear()
    smalls = [r for r in runs if r["recipients"] == args.small]
    larges = [r for r in runs if r["recipients"] == args.recipients]
    print()
    print(f"{'run':<32}{'msg/s':>9}{'% ceiling':>11}{'seconds':>9}{'peak MB':>9}")
    print(_row(f"sink ceiling (median of {len(ceilings)})", median(ceilings), "100%", "", ""))
    summary = {}
    for name, group in (("small", smalls), ("large", larges)):
        per_s = median(r["per_s"] for r in group)
        ratio = median(r["per_s"] / r["ceiling"] for r in group)
        peak = max(r["peak_mb"] for r in group)
        seconds = median(r["seconds"] for r in group)
        summary[name] = {"per_s": per_s, "ratio": ratio, "peak_mb": peak, "rounds": len(group)}
        for run in group:
            run["size"] = name
        label = f"bulk send {group[0]['recipients']:,}" + (
            f" (median of {len(group)})" if len(group) > 1 else ""
        )
        print(_row(label, per_s, f"{ratio:.0%}", f"{seconds:.1f}", f"{peak:.0f}"))
    large, small = summary["large"], summary["small"]
    growth = large["peak_mb"] - small["peak_mb"]
    met = (
        large["per_s"] >= GOAL_RATE
        and large["ratio"] >= GOAL_RATIO
        and large["peak_mb"] < GOAL_MB
        and growth < 0.1 * small["peak_mb"]
        and all(r["status"] == "sent" and r["received"] == r["recipients"] for r in runs)
    )
    print(
        f"\nGoals: >= {GOAL_RATE:,} msg/s, >= {GOAL_RATIO:.0%} of the ceiling, peak < {GOAL_MB} MB"
        f" and flat ({small['peak_mb']:.0f} -> {large['peak_mb']:.0f} MB): "
        f"{'met' if met else 'NOT met'}"
    )
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, PostgreSQL, "
          f"load average {os.getloadavg()[0]:.1f} at the end")  # fmt: skip
    if args.json:
        args.json.write_text(
            json.dumps(
                {"ceilings": ceilings, "runs": runs, "summary": summary, "met": met}, indent=2
            )  # fmt: skip
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
