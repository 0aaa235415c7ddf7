"""Several ``masthead serve`` started at the same moment on one data folder
(a systemd pair, container replicas on a shared volume) all come up and serve
the same static files (issue 9, item 15)."""

from __future__ import annotations

import re
import subprocess
import threading

import pytest

from tests.serving import MASTHEAD, free_port, get, production_env, stop, wait_until_answering

pytestmark = pytest.mark.slow


def _migrated(data_dir, port: int) -> dict:
    env = production_env(data_dir, port=port)
    subprocess.run([*MASTHEAD, "manage", "migrate", "-v", "0"], env=env, check=True, timeout=300)
    return env


def _start_together(env: dict, ports: list[int], logs: list) -> list[subprocess.Popen]:
    """One thread per server, released by a barrier, so they start within microseconds."""
    gate = threading.Barrier(len(ports))
    processes: list[subprocess.Popen] = [None] * len(ports)  # type: ignore[list-item]

    def start(index: int) -> None:
        command = [*MASTHEAD, "serve", "--host", "127.0.0.1", "--port", str(ports[index]),
                   "--workers", "1"]  # fmt: skip
        gate.wait(timeout=30)
        processes[index] = subprocess.Popen(
            command, env=env, stdout=logs[index], stderr=subprocess.STDOUT
        )

    threads = [threading.Thread(target=start, args=(i,)) for i in range(len(ports))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return processes


def test_three_servers_started_at_once_on_one_data_folder_all_serve(tmp_path):
    """Three rather than two: before the fix one of three concurrent
    collections failed every time, one of two only sometimes."""
    ports = [free_port() for _ in range(3)]
    env = _migrated(tmp_path, ports[0])
    log_paths = [tmp_path / f"serve{i}.log" for i in range(len(ports))]
    logs = [path.open("wb") for path in log_paths]
    processes = _start_together(env, ports, logs)
    try:
        for process, port, log in zip(processes, ports, log_paths, strict=True):
            wait_until_answering(f"http://127.0.0.1:{port}/", process, timeout=240, log=log)
        stylesheets = set()
        for port in ports:
            status, body = get(f"http://127.0.0.1:{port}/no-such-page/")
            assert status == 404  # the site's own 404 page, styled by the theme
            css = re.search(rb'href="(/static/masthead/css/site\.[0-9a-f]+\.css)"', body)
            assert css, body[:2000]
            stylesheets.add(css.group(1))
            status, _ = get(f"http://127.0.0.1:{port}{css.group(1).decode()}")
            assert status == 200
        assert len(stylesheets) == 1  # one collection, one fingerprint, both servers
        for process, log in zip(processes, log_paths, strict=True):
            assert process.poll() is None, log.read_text()[-3000:]
            assert "Traceback" not in log.read_text()
    finally:
        for process in processes:
            if process is not None:
                stop(process)
        for log in logs:
            log.close()
