"""200 concurrent wall sign-ups against ``masthead serve`` on PostgreSQL.

Not timed, but bounded: every request has a timeout and the whole run a
deadline. 150 addresses, 50 of them signed up a second time (in another
letter case) at the same moment. Afterwards, straight from the database:
no server error, one account and one activation email per address, and a
consent row for every accepted sign-up.

Runs only when ``DATABASE_URL`` is PostgreSQL; it creates (and drops) a
database of its own next to the test database.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.slow

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
    pytest.skip("needs DATABASE_URL=postgres://... (PostgreSQL)", allow_module_level=True)

UNIQUE, REPEATS = 150, 50
DEADLINE = 240  # seconds for the whole run, start-up included


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def fresh_database():
    import psycopg
    from psycopg import sql

    parts = urlsplit(DATABASE_URL)
    name = f"{parts.path.lstrip('/') or 'masthead'}_signups_{secrets.token_hex(4)}"
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


@pytest.fixture
def server(fresh_database, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "masthead.settings.base",
        "DATABASE_URL": fresh_database,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_URL": "locmem:",
        "MASTHEAD_DATA_DIR": str(tmp_path),
        "RATELIMIT_WALL_IP": "100000/m",
        "RATELIMIT_WALL_EMAIL": "100000/m",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)  # the file cache: nothing shared with other test runs
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 (closed below)
    command = [sys.executable, "-m", "masthead.cli", "serve", "--migrate", "--host", "127.0.0.1",
               "--port", str(port), "--workers", "2"]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        while True:
            if process.poll() is not None:
                raise AssertionError((tmp_path / "serve.log").read_text()[-3000:])
            try:
                urllib.request.urlopen(f"{base}/wall/", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() - started > 120:
                    raise AssertionError("masthead serve did not start within 120 s") from None
                threading.Event().wait(0.2)  # polling for the port, not waiting on a result
        yield base, fresh_database
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _sign_up(base: str, email: str, js: bool, gate: threading.Barrier) -> int:
    """One reader: open the wall, then submit it as a browser does (same-origin)."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    page = opener.open(f"{base}/wall/?next=/", timeout=60).read().decode()
    assert "To keep reading, please enter your email address." in page
    body = urllib.parse.urlencode({"email": email, "agree": "1", "next": "/"})
    request = urllib.request.Request(f"{base}/wall/", data=body.encode(), method="POST")
    request.add_header("Sec-Fetch-Site", "same-origin")
    if js:
        request.add_header("Accept", "application/json")
    gate.wait(timeout=120)  # everyone posts at once
    try:
        with opener.open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_200_concurrent_signups_one_account_and_one_email_per_address(server):
    import psycopg

    base, database_url = server
    addresses = [f"reader{n}@example.org" for n in range(UNIQUE)]
    repeats = [f"Reader{n}@Example.org" for n in range(REPEATS)]
    jobs = [(email, n % 2 == 0) for n, email in enumerate(addresses + repeats)]
    gate = threading.Barrier(len(jobs))
    deadline = time.monotonic() + DEADLINE
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(_sign_up, base, email, js, gate) for email, js in jobs]
        statuses = [f.result(timeout=max(1, deadline - time.monotonic())) for f in futures]

    assert all(status < 500 for status in statuses), statuses
    assert sorted(set(statuses)) == [200, 302], statuses  # JSON answers and redirects only

    with psycopg.connect(database_url) as conn:

        def one(query):
            return conn.execute(query).fetchone()[0]

        assert one("SELECT count(*) FROM accounts_user") == UNIQUE
        assert one("SELECT count(DISTINCT lower(email)) FROM accounts_user") == UNIQUE
        activation = "template = 'metering/activation'"
        assert one(f"SELECT count(*) FROM mail_delivery WHERE {activation}") == UNIQUE
        assert (
            one(f'SELECT count(DISTINCT lower("to")) FROM mail_delivery WHERE {activation}')
            == UNIQUE
        )
        assert one("SELECT count(*) FROM mail_delivery") == UNIQUE  # nothing else went out
        assert one("SELECT count(*) FROM metering_consent WHERE source = 'wall'") == len(jobs)
        assert one(
            "SELECT count(*) FROM metering_consent c JOIN accounts_user u ON u.id = c.user_id "
            "WHERE c.ip IS NOT NULL AND c.terms_version <> ''"
        ) == len(jobs)
        # every queued email has its task queued with it
        assert one("SELECT count(*) FROM django_tasks_database_dbtaskresult") >= UNIQUE
