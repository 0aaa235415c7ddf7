"""Headless Chromium for the browser tests: Debian's package through Python Playwright.

Never a downloaded browser. Where the playwright package or Debian's chromium
is missing, each browser test skips with a notice saying what to install.
Screenshots land in ``$BROWSER_SHOTS_DIR`` when set, else in the test's
temporary folder.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def browser(monkeypatch) -> Iterator:
    """One Chromium for the test; the ORM stays usable while Playwright's loop runs.

    Playwright's sync API keeps an event loop in this thread, which trips
    Django's async-safety check, although the test's own queries are plain
    synchronous ones (the live server answers from its own thread).
    """
    if sync_playwright is None:
        pytest.skip("browser test skipped: the playwright package is not installed")
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not executable:
        pytest.skip(f"browser test skipped: Debian's chromium is not installed at {CHROMIUM}")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()
            _database_connections_closed()


def _database_connections_closed(timeout: float = 10) -> None:
    """Close the database connections the test and the live server opened.

    One left open when the test database is dropped makes PostgreSQL refuse
    the drop ("is being accessed by other users"): the live server's request
    threads close theirs as they end, once the browser has closed its
    connections, so they are waited for; the test's own (it looks up emails
    while Playwright's loop runs) is closed here."""
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and "process_request_thread" in thread.name:
            thread.join(timeout)
    connections.close_all()


@pytest.fixture
def shots_dir(tmp_path) -> Path:
    path = Path(os.environ.get("BROWSER_SHOTS_DIR") or tmp_path / "shots")
    path.mkdir(parents=True, exist_ok=True)
    return path
