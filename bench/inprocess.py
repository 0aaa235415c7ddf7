"""A cached story hit's cost in-process: the WSGI app called directly, no server.

``python -m bench.inprocess --data-dir D [--database-url U] [--redis-url R]``
on the data a ``python -m bench`` run left (the demo, its secret key), after
that run has filled the page cache. For each reader (no cookie, a metered
one, a walled one, one rereading this story, one whose cookie is not the
meter's) it calls ``masthead.wsgi.application`` with the same environ many
times and prints the fastest batch's microseconds per call: the Python a hit
costs, without the server, the kernel and wrk (decision 0016).

Each meter (compiled, Python alone: ``METER_COMPILED``) runs in its own
process, the two alternating, so that both see the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

READERS = ("story", "metered", "walled", "reread", "cookie, no meter")

_CHILD = """
import io, json, os, sys, time
import django
django.setup()
from masthead.content.models import StoryPage
from masthead.metering.meter import METER_COOKIE, Meter, meter_dump, meter_policy

story = StoryPage.objects.live().order_by("-first_published_at").first()
path = story.get_url()
policy = meter_policy()
others = list(StoryPage.objects.live().exclude(pk=story.pk).values_list("pk", flat=True))
now = int(time.time()) - 60
cookies = {
    "story": None,
    "metered": meter_dump(Meter(reads={others[0]: now})),
    "walled": meter_dump(Meter(reads={pk: now for pk in others[: policy.allowance]})),
    "reread": meter_dump(Meter(reads={story.pk: now})),
}
from masthead.wsgi import application

host = os.environ["SITE_URL"].split("//", 1)[1]

def environ(reader):
    env = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "",
        "HTTP_HOST": host, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
        "wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.input": io.BytesIO(),
    }  # no user agent: a view not counted, as under wrk
    if reader == "cookie, no meter":
        env["HTTP_COOKIE"] = "csrftoken=" + "x" * 32
    elif cookies[reader] is not None:
        env["HTTP_COOKIE"] = f"{METER_COOKIE}={cookies[reader]}"
    return env

statuses = []
def start_response(status, headers, exc_info=None):
    statuses.append(status)

calls, batches = int(sys.argv[1]), int(sys.argv[2])
best = {}
for reader in json.loads(sys.argv[3]):
    env = environ(reader)
    application(dict(env), start_response)  # a miss fills the cache
    for _ in range(batches):
        started = time.perf_counter()
        for _ in range(calls):
            application(dict(env), start_response)
        spent = (time.perf_counter() - started) / calls * 1e6
        best[reader] = min(best.get(reader, spent), spent)
assert all(s.startswith("200") for s in statuses[-calls:]), statuses[-1]
print(json.dumps(best))
"""


def _env(args) -> dict[str, str]:
    data_dir = Path(args.data_dir)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "masthead.settings.base",
        "MASTHEAD_DATA_DIR": str(data_dir),
        "SECRET_KEY": (data_dir / "secret_key").read_text().strip(),
        "SITE_URL": "http://127.0.0.1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": args.database_url or f"sqlite:///{data_dir / 'masthead.sqlite3'}",
        "EMAIL_URL": "locmem:",
        "LOG_LEVEL": "WARNING",
    }
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    return env


def measure(args) -> dict[str, dict[str, float]]:
    """{meter: {reader: µs per hit}}, the fastest batch over every repeat."""
    env = _env(args)
    found: dict[str, dict[str, float]] = {"compiled": {}, "python": {}}
    for _ in range(args.repeats):
        for meter, flag in (("compiled", "true"), ("python", "false")):
            done = subprocess.run(
                [sys.executable, "-c", _CHILD, str(args.calls), str(args.batches),
                 json.dumps(READERS)],
                env={**env, "METER_COMPILED": flag}, capture_output=True, text=True,
                timeout=600, check=False,
            )  # fmt: skip
            if done.returncode != 0:
                raise SystemExit(f"bench.inprocess: the child failed:\n{done.stderr[-3000:]}")
            for reader, us in json.loads(done.stdout.strip().splitlines()[-1]).items():
                found[meter][reader] = min(found[meter].get(reader, us), us)
    return found


def table(found: dict[str, dict[str, float]]) -> str:
    lines = [
        "| reader | compiled meter µs | Python meter µs | over story (compiled) | over story (Python) |",
        "|---|--:|--:|--:|--:|",
    ]
    for reader in READERS:
        c, p = found["compiled"][reader], found["python"][reader]
        dc, dp = c - found["compiled"]["story"], p - found["python"]["story"]
        lines.append(f"| {reader} | {c:.2f} | {p:.2f} | {dc:+.2f} | {dp:+.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.inprocess", description=__doc__)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    parser.add_argument("--calls", type=int, default=20_000, help="calls per batch")
    parser.add_argument("--batches", type=int, default=5, help="batches per process")
    parser.add_argument("--repeats", type=int, default=3, help="processes per meter")
    args = parser.parse_args(argv)
    started = time.monotonic()
    print(table(measure(args)))
    print(f"min of {args.repeats} x {args.batches} x {args.calls:,} calls; "
          f"took {time.monotonic() - started:.0f} s")  # fmt: skip


if __name__ == "__main__":
    main()
