"""Real servers for the page-cache fault and staleness tests: a redis-server of their
own on a free port, and ``masthead serve`` processes on a prepared SQLite site."""

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

import pytest

MASTHEAD = [sys.executable, "-m", "masthead.cli"]
ROOT = Path(__file__).resolve().parents[2]

SETUP = """
import time
from wagtail.models import Page, Site
from masthead.core.models import SiteSettings
from masthead.metering.meter import Meter, meter_dump
from tests.content.factories import HomePageFactory, SectionPageFactory, publish_story

root = Page.get_first_root_node()
Site.objects.all().delete()
for child in root.get_children():  # Wagtail's welcome page
    child.delete()
home = HomePageFactory(parent=Page.get_first_root_node())
Site.objects.create(hostname="127.0.0.1", port=80, root_page=home, is_default_site=True)
section = SectionPageFactory(parent=home, title="World", slug="world")
free = publish_story(section, title="Harbour reopens", slug="harbour")
other = publish_story(section, title="Bridge vote", slug="bridge")
walled = publish_story(section, title="Tide tables", slug="tides",
                       paragraphs=[f"Paragraph {n}." for n in range(1, 8)])
SiteSettings.objects.update_or_create(defaults={"meter_allowance": 2})
over = meter_dump(Meter(reads={free.pk: int(time.time()) - 60, other.pk: int(time.time()) - 60}))
print("SITE", free.url, walled.url, walled.pk, over)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(data_dir: Path, *, port: int, redis_url: str | None) -> dict[str, str]:
    drop = {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        DJANGO_SETTINGS_MODULE="masthead.settings.base",
        PYTHONPATH=str(ROOT),
        MASTHEAD_DATA_DIR=str(data_dir),
        SECRET_KEY="page-cache-fault-test-secret-key-0123456789abcdef",
        DATABASE_URL=f"sqlite:///{data_dir / 'site.sqlite3'}",
        SITE_URL=f"http://127.0.0.1:{port}",
        ALLOWED_HOSTS="127.0.0.1",
        EMAIL_URL="locmem:",
        RATELIMIT_WALL_IP="100000/10m",
        RATELIMIT_WALL_EMAIL="100000/10m",
        LOG_LEVEL="WARNING",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


class RedisServer:
    """A redis-server of the test's own, on a free port, with nothing saved to disk."""

    def __init__(self, workdir: Path) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            pytest.skip("redis-server is not installed")
        self.executable = executable
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def prepare_site(data_dir: Path) -> dict[str, str]:
    """Migrate, collect static files and make a small site; what the tests need of it."""
    env = base_env(data_dir, port=1, redis_url=None)
    for command in (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run([*MASTHEAD, "manage", *command], env=env, check=True, timeout=600)
    done = subprocess.run(
        [*MASTHEAD, "manage", "shell", "-c", SETUP],
        env=env, check=True, timeout=300, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    line = next(line for line in done.stdout.splitlines() if line.startswith("SITE "))
    _, story, walled, walled_id, meter = line.split()
    return {"story": story, "walled": walled, "walled_id": walled_id, "meter": meter}


class Server:
    """``masthead serve`` (granian, one worker) on a free port; stopped with its group."""

    def __init__(self, data_dir: Path, *, redis_url: str | None, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [*MASTHEAD, "serve", "--host", "127.0.0.1", "--port", str(self.port),
                 "--workers", "1"],
                env=base_env(data_dir, port=self.port, redis_url=redis_url),
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT,
            )  # fmt: skip
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError, urllib.error.URLError):
                urllib.request.urlopen(self.base + "/", timeout=5).read()
                return
            assert self.process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "masthead serve did not answer"
            time.sleep(0.2)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)


def get(url: str, *, headers: dict[str, str] | None = None, data: bytes | None = None):
    """(status, headers, body) for one request; a 4xx/5xx is an answer, not an exception."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
