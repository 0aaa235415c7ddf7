"""The ``masthead`` command: ``demo``, ``serve``, ``worker`` and ``manage``."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import threading
from pathlib import Path

DEMO_SETTINGS = "masthead.settings.demo"
PRODUCTION_SETTINGS = "masthead.settings.base"


def _setup(settings_module: str) -> None:
    """Configure Django, turning a settings error into a one-line message."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        print(f"masthead: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _kept_secret(data_dir: Path, name: str, nbytes: int) -> str:
    """A random value kept in the data folder, so it survives restarts."""
    path = data_dir / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


def cmd_demo(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir).expanduser().resolve()
    (data_dir / "static").mkdir(parents=True, exist_ok=True)
    host = args.host
    url_host = f"[{host}]" if ":" in host else host
    site_url = f"http://{url_host}:{args.port}"
    os.environ["MASTHEAD_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("SECRET_KEY", _kept_secret(data_dir, "secret_key", 50))
    os.environ.setdefault("SITE_URL", site_url)
    os.environ.setdefault("ALLOWED_HOSTS", f"{host},127.0.0.1,localhost,[::1]")
    os.environ["DJANGO_SETTINGS_MODULE"] = DEMO_SETTINGS
    _setup(DEMO_SETTINGS)

    from django.core.management import call_command

    print(f"Preparing the demo database in {data_dir} ...", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    admin_password = _kept_secret(data_dir, "admin_password", 9)
    call_command("load_demo", admin_password=admin_password, verbosity=1 if args.verbose else 0)

    from django.core.servers.basehttp import (
        ThreadedWSGIServer,
        WSGIRequestHandler,
        get_internal_wsgi_application,
    )

    from masthead.runtime.worker import Scheduler, WorkerThread

    try:
        server = ThreadedWSGIServer((host, args.port), WSGIRequestHandler, ipv6=":" in host)
    except OSError as exc:
        print(f"masthead: cannot listen on {host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    server.daemon_threads = True
    server.set_app(get_internal_wsgi_application())
    worker = WorkerThread()
    scheduler = Scheduler()
    worker.start()
    scheduler.start()
    _stop_on_signals(server)
    print(
        f"\nMasthead demo is running at {site_url}/\n"
        f"  Admin:   {site_url}/admin/  (user: admin, password: {admin_password})\n"
        f"  Mailbox: {site_url}/mailbox/  (every email the site sends)\n"
        "Press Ctrl-C to stop.\n",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        worker.stop()
        scheduler.stop()
        worker.join(timeout=10)
        print("Stopped.", flush=True)
    return 0


def _stop_on_signals(server) -> None:
    """Ctrl-C and SIGTERM end ``serve_forever`` between requests, never inside one.

    Set explicitly because a shell that starts the demo in the background
    hands it SIGINT ignored, and a process manager stops it with SIGTERM.
    ``shutdown`` waits for the serving loop, so it runs on a thread of its own.
    """

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, name="masthead-shutdown", daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


DEFAULT_THREADS = 1  # blocking threads per web worker; see granian_command
RESPAWN_INTERVAL = 1.0  # seconds before a dead web worker is replaced; see granian_command


def granian_command(
    target: str, *, host: str, port: int, workers: int, threads: int = DEFAULT_THREADS
) -> list[str]:
    """granian's command line for a WSGI ``target``; the benchmark's ceiling uses it too.

    One blocking thread per worker (``DEFAULT_THREADS``). Measured with
    ``python -m bench`` against two: two make wall sign-ups 10-13 % faster (one
    thread runs while the other waits for PostgreSQL's WAL flush) but give
    cached pages GIL waits: walled stories fell from 0.89-0.92 to 0.82-0.85 of
    the story and their p99 at c=64 rose from 15 ms to 58 ms; four threads cost
    cached pages 18 %. Readers far outnumber sign-ups, so one; ``--threads 2``
    suits a site whose load is mostly writes. Scale with ``--workers`` (one per
    core). Backpressure
    bounds the requests a worker accepts at once, so a burst queues in the
    kernel's backlog instead of in memory. A worker that misses the stop signal
    (granian loses a SIGTERM that lands while a worker is still starting) is
    killed after 10 s, so a restart never hangs. A worker that dies (the
    kernel's OOM killer, a crash in an extension) is replaced after
    ``RESPAWN_INTERVAL`` seconds while the others go on serving; without
    ``--respawn-failed-workers`` granian's master exits when any worker dies,
    taking the whole server down. The pause keeps a worker that dies at start
    from spinning. No websockets, no access log.
    """
    return [
        sys.executable, "-m", "masthead.runtime.webserver",
        "--interface", "wsgi",
        "--host", host,
        "--port", str(port),
        "--workers", str(workers),
        "--blocking-threads", str(threads),
        "--backpressure", str(max(threads, 1) * 64),
        "--workers-kill-timeout", "10",
        "--respawn-failed-workers",
        "--respawn-interval", str(RESPAWN_INTERVAL),
        "--no-ws",
        "--log-level", "warning",
        target,
    ]  # fmt: skip


def cmd_serve(args: argparse.Namespace) -> int:
    _setup(PRODUCTION_SETTINGS)
    from django.conf import settings
    from django.core.management import call_command

    if args.migrate:
        call_command("migrate", interactive=False, verbosity=1)
    from masthead.runtime.staticfiles import static_files_collect

    if static_files_collect(force=args.collectstatic):
        print(f"Collected static files into {settings.STATIC_ROOT}", flush=True)
    target = "masthead.wsgi:application" if args.page_cache else "masthead.wsgi:django_application"
    command = granian_command(
        target, host=args.host, port=args.port, workers=args.workers, threads=args.threads
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
    print(
        f"Serving Masthead on http://{args.host}:{args.port}/ with {args.workers} workers",
        flush=True,
    )
    # Become granian, so a supervisor's SIGTERM or Ctrl-C reaches it directly and
    # nothing is left holding the port (a child would outlive a killed parent).
    from django.db import connections

    connections.close_all()
    os.execve(command[0], command, env)  # noqa: S606 (our own argv, no shell)
    return 1  # not reached


def cmd_worker(args: argparse.Namespace) -> int:
    _setup(PRODUCTION_SETTINGS)
    from masthead.runtime.worker import Scheduler, build_worker, run_worker_with_heartbeat

    scheduler = None
    if args.scheduler:
        scheduler = Scheduler()
        scheduler.start()
    worker = build_worker(queues=args.queues.split(","), interval=args.interval)
    worker.configure_signals()
    print(f"Masthead worker {worker.worker_id} processing queues: {args.queues}", flush=True)
    try:
        run_worker_with_heartbeat(worker)
    finally:
        if scheduler:
            scheduler.stop()
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _setup(PRODUCTION_SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["masthead manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line; every flag says what it does and its default (``--help``)."""
    parser = argparse.ArgumentParser(
        prog="masthead", description="Masthead news publishing platform"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser(
        "demo",
        help="run the demo site: SQLite, in-process worker, captured email",
        description="The whole site in one process, with sample content: SQLite, the task "
        "worker and the publishing scheduler in threads, every email captured at /mailbox/.",
    )
    demo.add_argument(
        "--data-dir",
        default="./masthead-data",
        help="folder for the database, media, the secret key and the admin password, "
        "kept across restarts (default: %(default)s)",
    )
    demo.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on; 0.0.0.0 or :: to reach it from other machines "
        "(default: %(default)s)",
    )
    demo.add_argument(
        "--port", type=int, default=8000, help="port to listen on (default: %(default)s)"
    )
    demo.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="print what loading the demo content does (default: quiet)",
    )
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser(
        "serve",
        help="run the production web server (granian)",
        description="The production web server: granian with several worker processes "
        "(a dead worker is replaced). Settings come from the environment (README, "
        "Configuration). Static files are collected on the first start of each release.",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    serve.add_argument(
        "--port", type=int, default=8000, help="port to listen on (default: %(default)s)"
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 2,
        help="web worker processes, one per core (default: this machine's cores, %(default)s)",
    )
    serve.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_THREADS,
        help="blocking threads per worker; 2 suits a site that mostly takes sign-ups "
        "(default: %(default)s)",
    )
    serve.add_argument(
        "--migrate",
        action="store_true",
        help="apply database migrations before serving (default: off; run "
        "`masthead manage migrate` once per release instead when several servers start)",
    )
    serve.add_argument(
        "--no-page-cache",
        dest="page_cache",
        action="store_false",
        help="serve every request through Django, to measure or debug the page cache "
        "(default: the page cache is on)",
    )
    serve.add_argument(
        "--collectstatic",
        action="store_true",
        help="collect static files even if this release's are there (default: only "
        "when missing or changed)",
    )
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser(
        "worker",
        help="run a task worker (and the publishing scheduler)",
        description="A task worker pulling from the database queue, beating a heartbeat "
        "so that another worker takes back its task within a minute if it dies, plus the "
        "clock that publishes scheduled pages every minute.",
    )
    worker.add_argument(
        "--queues",
        default="*",
        help="comma-separated queue names to take tasks from, or * for all (default: %(default)s)",
    )
    worker.add_argument(
        "--interval",
        type=float,
        default=1.0,
        help="seconds between two looks at an empty queue (default: %(default)s)",
    )
    worker.add_argument(
        "--no-scheduler",
        dest="scheduler",
        action="store_false",
        help="do not publish scheduled pages from this worker (default: it does; "
        "safe on several workers)",
    )
    worker.set_defaults(func=cmd_worker)

    manage = sub.add_parser(
        "manage",
        help="run a Django management command",
        description="Any Django management command with the production settings, e.g. "
        "`masthead manage migrate`, `masthead manage createsuperuser`; "
        "`masthead manage help` lists them.",
    )
    manage.add_argument(
        "rest",
        nargs=argparse.REMAINDER,
        metavar="command ...",
        help="the management command and its arguments (no default)",
    )
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
