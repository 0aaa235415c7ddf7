"""The ``masthead`` command as an operator uses it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

MASTHEAD = [sys.executable, "-m", "masthead.cli"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _clean_env(**extra: str) -> dict[str, str]:
    drop = {
        "DJANGO_SETTINGS_MODULE",
        "DATABASE_URL",
        "REDIS_URL",
        "SECRET_KEY",
        "SITE_URL",
        "ALLOWED_HOSTS",
        "EMAIL_URL",
    }
    environment = {k: v for k, v in os.environ.items() if k not in drop}
    environment.update(extra)
    return environment


def test_help_lists_the_commands():
    result = subprocess.run([*MASTHEAD, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command in ("demo", "serve", "worker", "manage"):
        assert command in result.stdout


@pytest.mark.parametrize("command", ["serve", "worker", "manage"])
def test_production_commands_name_the_missing_variable(command):
    args = ["check"] if command == "manage" else []
    result = subprocess.run(
        [*MASTHEAD, command, *args], env=_clean_env(), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "masthead: configuration error: SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_manage_runs_a_management_command(tmp_path):
    environment = _clean_env(
        SECRET_KEY="k" * 50,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SITE_URL="http://127.0.0.1:9",
        ALLOWED_HOSTS="127.0.0.1",
        EMAIL_URL="console:",
        MASTHEAD_DATA_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [*MASTHEAD, "manage", "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def _wait_for_line(process: subprocess.Popen, needle: str, timeout: float) -> list[str]:
    """Read the demo's output until ``needle`` appears (bounded by ``timeout``)."""
    deadline = time.monotonic() + timeout
    lines: list[str] = []
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        lines.append(line)
        if needle in line:
            return lines
    raise AssertionError(f"{needle!r} not printed; output was:\n{''.join(lines)}")


def _run_demo_once(data_dir: Path, port: int) -> list[str]:
    process = subprocess.Popen(
        [*MASTHEAD, "demo", "--data-dir", str(data_dir), "--port", str(port)],
        env=_clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = _wait_for_line(process, "Press Ctrl-C to stop.", timeout=240)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            assert response.status == 200
            assert "<html" in response.read().decode()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        return lines
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_demo_starts_serves_stops_and_restarts_idempotently(tmp_path):
    data_dir = tmp_path / "data"
    port = _free_port()
    first = "".join(_run_demo_once(data_dir, port))
    assert f"Masthead demo is running at http://127.0.0.1:{port}/" in first
    assert "(user: admin, password: " in first
    assert (data_dir / "masthead.sqlite3").exists()
    from sqlite3 import connect

    def count_pages() -> int:
        with connect(data_dir / "masthead.sqlite3") as db:
            return db.execute("select count(*) from wagtailcore_page").fetchone()[0]

    pages = count_pages()
    second = "".join(_run_demo_once(data_dir, port))
    assert count_pages() == pages
    password = first.split("password: ")[1].split(")")[0]
    assert f"password: {password})" in second


@pytest.mark.slow
def test_serve_stops_on_sigterm_and_frees_its_port(tmp_path):
    """A supervisor's SIGTERM stops the server itself, not only the command that started it."""
    port = _free_port()
    environment = _clean_env(
        SECRET_KEY="k" * 50,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SITE_URL=f"http://127.0.0.1:{port}",
        ALLOWED_HOSTS="127.0.0.1",
        EMAIL_URL="console:",
        MASTHEAD_DATA_DIR=str(tmp_path),
    )
    process = subprocess.Popen(
        [*MASTHEAD, "serve", "--migrate", "--host", "127.0.0.1", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for_line(process, "Serving Masthead on", timeout=240)
        deadline = time.monotonic() + 60
        while True:  # polling for the port, bounded by the deadline
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    assert response.status == 200  # Wagtail's welcome page: no site yet
                break
            except OSError:
                assert time.monotonic() < deadline, "masthead serve did not answer"
                assert process.poll() is None, process.stdout.read()
        process.terminate()
        process.wait(timeout=30)
        with socket.socket() as sock:
            # Free: no worker outlived the command (closed connections may linger).
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", port))
            sock.listen()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
