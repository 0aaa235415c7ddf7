"""The processes a benchmark run starts, and the promise that they all stop.

Every child starts in its own process group, so stopping it stops what it
started too (granian's workers, nginx's workers); ``Processes`` is a context
manager that stops them all on the way out, on success, error or Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


class ServerError(RuntimeError):
    pass


class Processes:
    def __init__(self) -> None:
        self.children: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], *, env=None, log: Path) -> subprocess.Popen:
        with open(log, "ab") as out:
            process = subprocess.Popen(
                command,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.children.append((name, process))
        return process

    def stop(self, process: subprocess.Popen, *, grace: float = 10.0) -> None:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                return
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=grace)
        else:  # the leader is gone; its workers may not be
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for _, process in reversed(self.children):
            self.stop(process)
        self.children.clear()

    def __enter__(self) -> Processes:
        return self

    def __exit__(self, *exc) -> None:
        self.stop_all()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 120) -> bytes:
    """Poll ``url`` until it answers 200; the body. Fails with the log if the server died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"server exited ({process.returncode}):\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (127.0.0.1)
                if response.status == 200:
                    return response.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise ServerError(f"{url} did not answer within {timeout:.0f}s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def granian_ceiling(procs: Processes, *, body: Path, port: int, workers: int, tmp: Path):
    """The minimal WSGI callable under granian, with ``masthead serve``'s flags."""
    from masthead.cli import granian_command

    env = {**os.environ, "BENCH_BODY": str(body)}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parent.parent), *sys.path])
    log = tmp / "ceiling.log"
    command = granian_command("bench.ceiling:app", host="127.0.0.1", port=port, workers=workers)
    process = procs.start("ceiling", command, env=env, log=log)
    wait_until_up(f"http://127.0.0.1:{port}/", process, log, timeout=30)
    return process


NGINX_CONF = """\
worker_processes {workers};
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
daemon off;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    server {{
        listen 127.0.0.1:{port};
        root {www};
        location / {{
            default_type text/html;
            charset utf-8;
            try_files /story.html =404;
        }}
    }}
}}
"""


def nginx_static(procs: Processes, *, body: Path, port: int, workers: int, tmp: Path):
    """nginx serving the story's bytes as a static file: the machine's ceiling."""
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        raise ServerError("nginx is not installed. On Debian or Ubuntu: apt-get install -y nginx")
    www = tmp / "www"
    www.mkdir(exist_ok=True)
    shutil.copyfile(body, www / "story.html")
    # Run as root, nginx's workers drop to an unprivileged user: let them in.
    tmp.chmod(0o711)
    www.chmod(0o755)
    (www / "story.html").chmod(0o644)
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(workers=workers, tmp=tmp, port=port, www=www))
    log = tmp / "nginx.log"
    command = [nginx, "-e", str(tmp / "nginx-error.log"), "-p", str(tmp), "-c", str(conf)]
    process = procs.start("nginx", command, log=log)
    wait_until_up(f"http://127.0.0.1:{port}/", process, log, timeout=30)
    return process
