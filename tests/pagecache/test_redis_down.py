"""Redis killed under load: pages come from Django (slower, never a 500), the wall still
signs readers up, the log says what is degraded once, and caching resumes when it is back.

Real processes: a redis-server of the test's own on a free port, ``masthead serve``
(granian) on a small SQLite site, and a bounded load of a few threads for ~9 s.
"""

from __future__ import annotations

import threading
import time
import urllib.parse

from tests.pagecache.servers import RedisServer, Server, get

WALL = b"To keep reading, please enter your email address."


class Load:
    """A few readers in threads, each looping over the home page, a free story, a
    walled story and now and then a wall sign-up; every answer's status is kept."""

    def __init__(self, server: Server, pages: dict[str, str]) -> None:
        self.server, self.pages = server, pages
        self.statuses: list[tuple[str, int]] = []
        self.signups = 0
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def _record(self, what: str, status: int) -> None:
        with self.lock:
            self.statuses.append((what, status))

    def _signup(self, reader: int, n: int) -> None:
        meter = {"Cookie": f"mh_meter={self.pages['meter']}"}
        status, headers, body = get(self.server.base + self.pages["walled"], headers=meter)
        self._record("walled", status)
        if status != 200 or b"To keep reading" not in body:
            return
        form = urllib.parse.urlencode({
            "email": f"reader{reader}-{n}@example.org", "agree": "on",
            "story": self.pages["walled_id"],
        }).encode()  # fmt: skip
        status, _, answer = get(
            self.server.base + "/wall/",
            data=form,
            headers={
                "Cookie": f"mh_meter={self.pages['meter']}",
                "Accept": "application/json",
                "Content-Type": "application/x-www-form-urlencoded",
                "Sec-Fetch-Site": "same-origin",  # as a browser posts the walled page's form
            },
        )
        self._record("signup", status)
        if status == 200 and b"Thank you." in answer:
            with self.lock:
                self.signups += 1

    def _reader(self, reader: int) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            for what, path in (("home", "/"), ("story", self.pages["story"])):
                self._record(what, get(self.server.base + path)[0])
            if n % 5 == 0:
                self._signup(reader, n)

    def run(self, readers: int = 4) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._reader, args=(i,)) for i in range(readers)]
        for thread in threads:
            thread.start()
        return threads

    def errors(self) -> list[tuple[str, int]]:
        with self.lock:
            return [(what, status) for what, status in self.statuses if status >= 500]


def test_redis_killed_mid_load_gives_no_server_error(site, tmp_path):
    data_dir, pages = site
    redis = RedisServer(tmp_path)
    redis.start()
    log = tmp_path / "serve.log"
    server = Server(data_dir, redis_url=redis.url, log=log)
    load = Load(server, pages)
    try:
        threads = load.run()
        time.sleep(2.0)  # under load with Redis
        redis.kill()
        killed_at = len(load.statuses)
        time.sleep(4.0)  # under load without it
        during = len(load.statuses) - killed_at
        signups_before = load.signups
        redis.start()  # back, on the same port, empty
        time.sleep(3.0)
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(timeout=30)
        server.stop()
        redis.kill()
    text = log.read_text()
    assert load.errors() == []
    assert during > 20, f"only {during} answers while Redis was down"
    assert load.signups > 0 and signups_before > 0
    assert "Traceback" not in text
    # Once per interval, not once per request.
    degraded_lines = [line for line in text.splitlines() if "degraded:" in line]
    assert 1 <= len(degraded_lines) <= 3, degraded_lines
    assert any("unreachable" in line for line in degraded_lines)
    assert "recovered:" in text
