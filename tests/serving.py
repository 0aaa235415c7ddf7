"""Starting real ``masthead`` processes in tests: free ports, a clean
environment, and waiting (bounded) for a server to answer."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

MASTHEAD = [sys.executable, "-m", "masthead.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """The test runner's environment without the site's variables, plus ``extra``."""
    drop = {
        "DJANGO_SETTINGS_MODULE",
        "DATABASE_URL",
        "REDIS_URL",
        "SECRET_KEY",
        "SITE_URL",
        "ALLOWED_HOSTS",
        "EMAIL_URL",
        "MASTHEAD_DATA_DIR",
    }
    environment = {k: v for k, v in os.environ.items() if k not in drop}
    environment.update(extra)
    return environment


def production_env(data_dir, *, port: int, database_url: str | None = None, **extra) -> dict:
    """What ``masthead serve`` or ``masthead worker`` needs, on SQLite in ``data_dir``
    unless ``database_url`` says otherwise; no Redis (a file cache in the data folder)."""
    settings = {
        "SECRET_KEY": "k" * 50,
        "DATABASE_URL": database_url or f"sqlite:///{data_dir / 'db.sqlite3'}",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_URL": "console:",
        "MASTHEAD_DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
    }
    return clean_env(**{**settings, **extra})


def wait_until_answering(url: str, process: subprocess.Popen, *, timeout: float, log=None) -> None:
    """Poll ``url`` until any HTTP answer comes back; fail if the process exits first."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise AssertionError(f"{process.args[:4]} exited: {_tail(log)}")
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except urllib.error.HTTPError:
            return  # an answer, even an error, means the server is up
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"{url} did not answer within {timeout}s: {_tail(log)}")
            threading.Event().wait(0.2)  # polling a port, not waiting for a result


def get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    """Status and body of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(log) -> str:
    if log is None:
        return ""
    return log.read_text()[-3000:] if hasattr(log, "read_text") else str(log)


def postgres_database(database_url: str, suffix: str):
    """A context manager: a new, empty PostgreSQL database next to ``database_url``
    (its URL), dropped afterwards."""
    import contextlib
    import secrets
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    @contextlib.contextmanager
    def database():
        parts = urlsplit(database_url)
        name = f"{parts.path.lstrip('/') or 'masthead'}_{suffix}_{secrets.token_hex(4)}"
        admin = parts._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield parts._replace(path=f"/{name}").geturl()
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )

    return database()
