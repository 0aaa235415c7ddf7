"""``python -m bench``: serve the demo with ``masthead serve`` and measure it with wrk.

Prepares a data folder with the demo content (SQLite by default, PostgreSQL
with ``--database-url``), starts ``masthead serve`` on 127.0.0.1 with two
workers, then loads every scenario in ``bench/scenarios`` at concurrency 1,
16 and 64, and two references serving the same story bytes: the smallest
WSGI callable under granian (the Python ceiling) and nginx (the machine's
ceiling). Prints one table; ``--json`` writes every figure and ratio.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from masthead.cli import DEFAULT_THREADS

from . import report, scenarios, servers, wrk
from .report import CEILING, NGINX, Row
from .scenarios import Context, Run

DEFAULT_REDIS = "redis://127.0.0.1:6379/15"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="runs of ~3 s (whole < 2 min)")
    parser.add_argument("--duration", type=float, help="seconds per run (default 10, quick 3)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=PAIRED_ROUNDS,
        help=f"paired rounds a side in a compared row, which share --duration "
        f"(default {PAIRED_ROUNDS}; more narrows a ratio's noise)",
    )
    parser.add_argument("--json", type=Path, help="write every figure and ratio to this file")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: SQLite in the data dir)")
    parser.add_argument(
        "--redis-url",
        help=f"cache; default {DEFAULT_REDIS} if reachable, else the file cache",
    )
    parser.add_argument("--no-redis", action="store_true", help="use the file cache")
    parser.add_argument("--data-dir", type=Path, help="where the demo data lives (kept)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo data first")
    parser.add_argument("--workers", type=int, default=2, help="web workers (default 2)")
    parser.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_THREADS,
        help=f"blocking threads per web worker (default {DEFAULT_THREADS}, as masthead serve)",
    )
    parser.add_argument("--port-base", type=int, help="use ports base+1..base+3, else free ports")
    parser.add_argument("--only", help="comma-separated scenario modules (default: all)")
    parser.add_argument(
        "--no-page-cache", action="store_true", help="serve through Django only (before/after)"
    )
    return parser.parse_args(argv)


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 0.5):
            return True
    except OSError:
        return False


def _local(url: str, what: str) -> None:
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"bench: {what} must be on 127.0.0.1, not {host}")


def _ensure_postgres_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database if it does not exist yet."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _prepare_env(args: argparse.Namespace, port: int) -> tuple[dict[str, str], dict]:
    database_url = args.database_url
    if database_url:
        _local(database_url, "--database-url")
    key = hashlib.sha1((database_url or "sqlite").encode()).hexdigest()[:8]
    data_dir = (args.data_dir or Path(tempfile.gettempdir()) / f"masthead-bench-{key}").resolve()
    if args.fresh and data_dir.exists():
        import shutil

        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = data_dir / "secret_key"
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(50))
    database_url = database_url or f"sqlite:///{data_dir / 'masthead.sqlite3'}"
    redis_url = None
    if not args.no_redis:
        candidate = args.redis_url or DEFAULT_REDIS
        _local(candidate, "--redis-url")
        if _reachable(candidate):
            redis_url = candidate
        elif args.redis_url:
            raise SystemExit(f"bench: Redis at {args.redis_url} is not reachable")
    env = {
        "DJANGO_SETTINGS_MODULE": "masthead.settings.base",
        "MASTHEAD_DATA_DIR": str(data_dir),
        "SECRET_KEY": secret.read_text().strip(),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "EMAIL_URL": "locmem:",
        "LOG_LEVEL": "WARNING",
        "CACHE_KEY_PREFIX": f"masthead-bench-{secrets.token_hex(4)}",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    setup = {
        "data_dir": str(data_dir),
        "database": "postgresql" if database_url.startswith("postgres") else "sqlite",
        "cache": f"redis ({redis_url})" if redis_url else "file",
        "workers": args.workers,
        "threads": args.threads,
        "page_cache": not args.no_page_cache,
        "meter": _meter_kind(),
    }
    return env, setup


def _meter_kind() -> str:
    """Which meter the server runs: the compiled one where it was built and
    ``METER_COMPILED`` (inherited from this environment) leaves it on."""
    built = importlib.util.find_spec("masthead.metering._fastmeter") is not None
    off = os.environ.get("METER_COMPILED", "").strip().lower() in ("0", "false", "no", "off")
    return "compiled" if built and not off else "python"


def _manage(env: dict[str, str], *command: str, required: bool = True) -> bool:
    done = subprocess.run(
        [sys.executable, "-m", "masthead.cli", "manage", *command],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        message = f"masthead manage {' '.join(command)} failed:\n{done.stderr[-3000:]}"
        if required:
            raise SystemExit(f"bench: {message}")
        print(f"bench: warning: {message}", file=sys.stderr)
    return done.returncode == 0


def _story(ctx: Context) -> None:
    out = ctx.django(
        "from masthead.content.models import StoryPage\n"
        "story = StoryPage.objects.live().order_by('-first_published_at').first()\n"
        "print(story.pk, story.get_url()) if story else print('None None')\n"
    )
    if out.strip() == "None None" or not out.strip():
        raise SystemExit("bench: the database has no live story to measure")
    story_id, path = out.split()
    ctx.story_id, ctx.story_path = int(story_id), path


# A row compared with a baseline is measured in rounds that alternate with the
# baseline's, in the order B V V B B V V B ..., and its ratio is taken against
# those rounds: this machine's speed drifts by several per cent within a
# minute, which a baseline measured once, earlier, would fold into the ratio,
# and a fixed order (B V B V) would hand the drift to one side. Two cores shared
# by wrk and the server make one round's rate move by up to 15 % for the same
# load (measured: the same page against itself, one-second rounds); the table
# shows the lowest and highest of the rounds' ratios beside the ratio. A row's
# p50 and p99 are those of all its rounds' requests together (``wrk.combine``
# pools each round's grid of percentiles); each round's own p99 is in the JSON
# and, when the worst is above the row's, on the row's progress line.
PAIRED_ROUNDS = 4


def _measure(
    run: Run, base_url: str, duration: float, warmup: float, baseline=None,
    rounds: int = PAIRED_ROUNDS,
) -> list[Row]:  # fmt: skip
    url = (run.base_url or base_url) + run.path
    if run.warm:
        wrk.run(url, concurrency=16, duration=warmup, headers=run.headers, script=run.script)
    rows = []
    for concurrency in run.concurrency:
        paired = None
        if baseline is None:
            result = wrk.run(
                url, concurrency=concurrency, duration=duration, headers=run.headers,
                script=run.script,
            )  # fmt: skip
        else:
            result, paired, ratios = _measure_paired(
                run, baseline, base_url, concurrency, duration / rounds, rounds
            )
        row = Row(run.scenario, concurrency, result, baseline=run.baseline)
        row.paired_baseline_rate = paired.requests_per_s if paired else None
        row.paired_ratios = ratios if paired else []
        rows.append(row)
        print(
            f"  {run.scenario:<16} c={concurrency:<3} {result.requests_per_s:>9,.0f} req/s"
            f"  p50 {result.p50_ms:6.2f} ms  p99 {result.p99_ms:6.2f} ms"
            + (f"  ({paired.requests_per_s:,.0f} for {run.baseline} alongside)" if paired else "")
            + (
                f"  (worst round's p99 {max(result.round_p99_ms):.2f} ms)"
                if result.round_p99_ms and max(result.round_p99_ms) > result.p99_ms
                else ""
            )
            + (f"  ({result.errors} errors)" if result.errors else ""),
            flush=True,
        )
    return rows


def _measure_paired(
    run: Run, baseline: Run, base_url: str, concurrency: int, each: float,
    rounds: int = PAIRED_ROUNDS,
):  # fmt: skip
    """``rounds`` rounds of baseline and run, in the order B V V B ...;
    both combined over their rounds, and the ratio of each round's pair."""
    ours, theirs = [], []
    for round_number in range(rounds):
        pair = [(baseline, theirs), (run, ours)]
        for target, results in pair if round_number % 2 == 0 else reversed(pair):
            results.append(
                wrk.run(
                    (target.base_url or base_url) + target.path,
                    concurrency=concurrency,
                    duration=each,
                    headers=target.headers,
                    script=target.script,
                )  # fmt: skip
            )
    ratios = [
        mine.requests_per_s / other.requests_per_s
        for mine, other in zip(ours, theirs, strict=True)
        if other.requests_per_s
    ]
    return wrk.combine(ours), wrk.combine(theirs), ratios


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rounds = max(1, args.rounds)
    wrk.executable()  # fail early and clearly
    duration = args.duration or (3.0 if args.quick else 10.0)
    warmup = 1.0 if args.quick else 3.0
    ports = (
        [args.port_base + i for i in (1, 2, 3)]
        if args.port_base
        else [servers.free_port() for _ in range(3)]
    )
    env, setup = _prepare_env(args, ports[0])
    if env["DATABASE_URL"].startswith("postgres"):
        _ensure_postgres_database(env["DATABASE_URL"])
    modules = scenarios.discover(set(args.only.split(",")) if args.only else None)
    for module in modules:
        if hasattr(module, "server_env"):
            env.update(module.server_env(args))
    print(
        f"bench: {setup['database']} database, {setup['cache']} cache, "
        f"{setup['meter']} meter, {args.workers} workers, {duration:.0f} s per run (a paired row: "
        f"{rounds} rounds of {math.ceil(duration / rounds)} s a side)",
        flush=True,
    )
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="masthead-bench-") as tmp_name,
        servers.Processes() as procs,
    ):
        tmp = Path(tmp_name)
        print("Preparing the demo data (migrate, load_demo) ...", flush=True)
        _manage(env, "migrate", "--no-input", "-v0")
        # A failed load leaves the content already in the data folder (it is one
        # transaction); the run goes on with it if there is a story, and says so.
        loaded = _manage(env, "load_demo", "-v0", required=False)
        log = tmp / "masthead.log"
        serve = [
            sys.executable,
            "-m",
            "masthead.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--collectstatic",
        ]
        serve += ["--port", str(ports[0]), "--workers", str(args.workers)]
        serve += ["--threads", str(args.threads)]
        if args.no_page_cache:
            serve.append("--no-page-cache")
        process = procs.start("masthead", serve, env={**os.environ, **env}, log=log)
        base_url = f"http://127.0.0.1:{ports[0]}"
        servers.wait_until_up(base_url + "/", process, log)
        ctx = Context(base_url=base_url, env=env, tmp=tmp, quick=args.quick)
        _story(ctx)
        if not loaded:
            ctx.notes["warning"] = "load_demo failed; measured the content already present"
        body = servers.wait_until_up(base_url + ctx.story_path, process, log)
        story_file = tmp / "story.html"
        story_file.write_bytes(body)
        servers.granian_ceiling(
            procs, body=story_file, port=ports[1], workers=args.workers, tmp=tmp
        )
        servers.nginx_static(procs, body=story_file, port=ports[2], workers=args.workers, tmp=tmp)
        print(f"Story page: {ctx.story_path} ({len(body):,} bytes)", flush=True)

        rows: list[Row] = []
        # scenario name -> its run, for paired baselines; the story is paired with
        # the Python ceiling, so its ratio is taken against rounds next to its own
        measured: dict[str, Run] = {
            CEILING: Run(CEILING, "/", base_url=f"http://127.0.0.1:{ports[1]}", warm=False),
            # every metered row's baseline, paired even when --only leaves pages out
            "story": Run("story", ctx.story_path),
        }
        try:
            for module in modules:
                if hasattr(module, "prepare"):
                    module.prepare(ctx)
                for run in module.runs(ctx):
                    rows += _measure(
                        run, base_url, duration, warmup, measured.get(run.baseline), rounds
                    )
                    measured[run.scenario] = run
            for name, port in ((CEILING, ports[1]), (NGINX, ports[2])):
                rows += _measure(Run(name, "/"), f"http://127.0.0.1:{port}", duration, warmup)
        except wrk.WrkError as exc:
            print(f"bench: {exc}", file=sys.stderr)
            return 1
    report.add_ratios(rows)
    print()
    print(report.table(rows))
    print()
    print("\n".join(report.goal_lines(rows)))
    for name, note in ctx.notes.items():
        print(f"{name}: {note}")
    print(
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"{setup['database']}, {setup['cache']} cache, {setup['meter']} meter; took {time.monotonic() - started:.0f} s"
    )
    if args.json:
        report.write_json(args.json, rows=rows, setup=setup, notes=ctx.notes)
        print(f"Wrote {args.json}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\nbench: interrupted; servers stopped.", file=sys.stderr)
        sys.exit(130)
