"""The processes of a bulk-send measurement: a counting SMTP sink and
``masthead worker``, on 127.0.0.1, against a PostgreSQL database.

Shared by the benchmark (``python -m bench.mailsend``) and the fault test
(``tests/mail/test_bulk_fault.py``), which kills the worker mid-send.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import smtp_sink
from .servers import Processes, free_port

ROOT = Path(__file__).resolve().parent.parent

# The worker registers the benchmark's recipient source, then runs as `masthead worker`.
_WORKER = (
    "import sys, bench.recipients\n"
    "from masthead.cli import main\n"
    "sys.exit(main(['worker', '--queues', 'email', '--interval', '0.1']))\n"
)


def worker_env(*, database_url: str, smtp_port: int, data_dir: Path, **extra: str) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "masthead.settings.base",
        "MASTHEAD_DATA_DIR": str(data_dir),
        "SECRET_KEY": "bulk-send-measurement-only-" + "x" * 30,
        "SITE_URL": "http://127.0.0.1:8000",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


class Rig:
    """Starts and stops the sink and the worker; every child stops on exit."""

    def __init__(self, tmp: Path, *, database_url: str, record: bool = False, **settings) -> None:
        self.tmp = tmp
        self.procs = Processes()
        self.port = free_port()
        self.record = tmp / "received.txt" if record else None
        self.env = worker_env(
            database_url=database_url, smtp_port=self.port, data_dir=tmp, **settings
        )
        self.worker: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []

    def __enter__(self) -> Rig:
        command = [sys.executable, "-m", "bench.smtp_sink", "--port", str(self.port)]
        if self.record:
            command += ["--record", str(self.record)]
        self.procs.start("sink", command, env={**os.environ, "PYTHONPATH": str(ROOT)},
                         log=self.tmp / "sink.log")  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            try:
                smtp_sink.ask(self.port, "XCOUNT")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.procs.stop_all()

    def start_worker(self) -> subprocess.Popen:
        env = {**os.environ, **self.env, "PYTHONPATH": str(ROOT)}
        self.worker = self.procs.start(
            "worker", [sys.executable, "-c", _WORKER], env=env, log=self.tmp / "worker.log"
        )
        return self.worker

    def start_workers(self, count: int) -> list[subprocess.Popen]:
        """``count`` worker processes on the same queue (the first is ``worker``)."""
        env = {**os.environ, **self.env, "PYTHONPATH": str(ROOT)}
        for i in range(count):
            # A fresh log: waiting for "processing queues" must not find the last worker's.
            (self.tmp / f"worker{i}.log").unlink(missing_ok=True)
        self.workers = [
            self.procs.start(
                "worker", [sys.executable, "-c", _WORKER], env=env, log=self.tmp / f"worker{i}.log"
            )
            for i in range(count)
        ]
        self.worker = self.workers[0]
        return self.workers

    def stop_workers(self) -> None:
        for worker in self.workers:
            self.procs.stop(worker)

    def kill_worker(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed or recorded."""
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(timeout=10)

    def stop_worker(self) -> None:
        self.procs.stop(self.worker)

    def worker_memory_mb(self, field: str = "VmHWM", worker=None) -> float:
        """The worker's peak (VmHWM) or current (VmRSS) resident memory."""
        pid = (worker or self.worker).pid
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no {field} for the worker")

    def received(self) -> int:
        return smtp_sink.ask(self.port, "XCOUNT")

    def recipients(self) -> list[str]:
        smtp_sink.ask(self.port, "XDUMP")
        return [line for line in self.record.read_text().splitlines() if line]


def push(
    port: int, message: bytes, *, count: int, connections: int, processes: int = 1, tmp: Path
) -> float:
    """The sink's ceiling: ``processes`` fresh processes (``bench.smtp_push``),
    each with ``connections`` connections, warmed up, then released together to
    push the same pre-rendered message ``count`` times in all. Returns messages
    per second from the first start to the last end."""
    path = tmp / "ceiling.eml"
    path.write_bytes(message)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    shares = [count // processes + (i < count % processes) for i in range(processes)]
    command = [sys.executable, "-m", "bench.smtp_push", "--port", str(port),
               "--connections", str(connections), "--message", str(path)]  # fmt: skip
    children = [
        subprocess.Popen(
            [*command, "--count", str(share)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for share in shares
    ]
    try:
        for child in children:
            if child.stdout.readline().strip() != "ready":
                raise RuntimeError("bench.smtp_push did not start")
        for child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
        results = [json.loads(child.stdout.readline()) for child in children]
    finally:
        for child in children:
            child.stdin.close()
            child.wait(timeout=60)
    elapsed = max(r["end"] for r in results) - min(r["start"] for r in results)
    return sum(r["count"] for r in results) / elapsed
