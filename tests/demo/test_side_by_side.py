"""The README's two commands, run side by side as a newcomer runs them.

The demo runs from an installed (not editable) copy of the package in its own
environment (``.venv-demo``); the tests install the package again in theirs
(``.venv``). A reinstall replaces the package's files, so with one shared
environment the running demo lost its templates and stylesheet mid-flight and
answered 500, its error page failing too (``TemplateDoesNotExist: 500.html``).
Pointing ``DEMO_ENV`` and ``TEST_ENV`` below at the same folder shows it again:
the stylesheet then answers 500 while the pages, already compiled, still pass.
And with ``core.views.server_error`` rendering ``500.html`` without its
built-in fallback, the second test gets the WSGI server's bare error instead.

Bounded, and offline where the build backend is at hand: the package is built
into a wheel once from a copy of the source tree; each environment is a bare
venv that borrows the dependencies of the one running these tests (a ``.pth``
file). The demo's gets the wheel (``pip install .``); the tests' gets the
source copy in editable mode (``pip install -e``), then the wheel again, as a
newcomer re-running both commands does; both with ``pip --python <env>
install --no-deps``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
import threading
from pathlib import Path

import pytest

from tests.serving import clean_env, free_port, get

pytestmark = pytest.mark.slow

SOURCE = Path(__file__).resolve().parents[2]
DEMO_ENV, TEST_ENV = "venv-demo", "venv-test"


def _pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args]
    subprocess.run(command, check=True, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A copy of the source tree: building in it leaves the real one clean."""
    work = tmp_path_factory.mktemp("build")
    tree = work / "source"
    tree.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(SOURCE / name, tree / name)
    shutil.copytree(SOURCE / "masthead", tree / "masthead",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))  # fmt: skip
    return tree


@pytest.fixture(scope="module")
def wheel(source) -> Path:
    """The package as ``pip install .`` builds it."""
    _pip("wheel", "--no-deps", "--wheel-dir", str(source.parent / "dist"), str(source))
    [built] = (source.parent / "dist").glob("masthead-*.whl")
    return built


def _environment(folder: Path, *install: str) -> Path:
    """A virtualenv (made once per folder) with the package installed by ``install``."""
    python = folder / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
        site = Path(sysconfig.get_path("purelib", vars={"base": str(folder)}))
        (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _pip("--python", str(python), "install", "--no-deps", "--force-reinstall", *install)
    return folder


def _wait_for_line(process: subprocess.Popen, needle: str, timeout: float) -> str:
    output: list[str] = []
    timer = threading.Timer(timeout, process.kill)  # a hung start fails, not hangs
    timer.start()
    try:
        for line in process.stdout:
            output.append(line)
            if needle in line:
                return "".join(output)
    finally:
        timer.cancel()
    raise AssertionError(f"{needle!r} never printed:\n{''.join(output)[-3000:]}")


def test_the_demo_keeps_serving_while_the_tests_reinstall_the_package(tmp_path, source, wheel):
    demo_env = _environment(tmp_path / DEMO_ENV, str(wheel))
    port = free_port()
    demo = subprocess.Popen(
        [str(demo_env / "bin" / "masthead"), "demo", "--data-dir", str(tmp_path / "data"),
         "--port", str(port)],
        cwd=tmp_path,  # not the source tree: the installed copy is what runs
        env=clean_env(PYTHONPATH=""),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        _wait_for_line(demo, "Press Ctrl-C to stop.", timeout=300)
        base = f"http://127.0.0.1:{port}"
        status, home = get(base + "/", timeout=120)  # the first render, on a busy machine
        assert status == 200
        stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', home.decode()).group(1)
        story = re.search(r'href="(/[a-z-]+/[a-z0-9-]+/)"', home.decode()).group(1)
        pages = ["/", story, stylesheet, "/accounts/login/", "/wall/"]

        answers: list[tuple[str, int]] = []
        done = threading.Event()

        def keep_reading() -> None:
            while not done.is_set():
                answers.extend((path, get(base + path, timeout=60)[0]) for path in pages)

        reader = threading.Thread(target=keep_reading)
        reader.start()
        try:
            _environment(tmp_path / TEST_ENV, "--editable", str(source))  # the test command
            _environment(tmp_path / TEST_ENV, str(wheel))  # a reinstall of another kind
        finally:
            done.set()
            reader.join(timeout=60)
        answers.extend((path, get(base + path, timeout=60)[0]) for path in pages)  # and after

        failed = [(path, status) for path, status in answers if status != 200]
        assert not failed, failed
        assert len(answers) > len(pages) * 3
        assert demo.poll() is None
    finally:
        demo.kill()
        demo.wait(timeout=30)


def test_a_server_without_its_templates_still_answers_an_error_page(tmp_path, wheel):
    """What a package swapped under a running server leaves: no ``500.html``.
    The reader gets the built-in page, never ``TemplateDoesNotExist``."""
    demo_env = _environment(tmp_path / DEMO_ENV, str(wheel))
    port = free_port()
    demo = subprocess.Popen(
        [str(demo_env / "bin" / "masthead"), "demo", "--data-dir", str(tmp_path / "data"),
         "--port", str(port)],
        cwd=tmp_path,
        env=clean_env(PYTHONPATH=""),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        _wait_for_line(demo, "Press Ctrl-C to stop.", timeout=300)
        site = Path(sysconfig.get_path("purelib", vars={"base": str(demo_env)}))
        shutil.rmtree(site / "masthead" / "templates")
        status, body = get(
            f"http://127.0.0.1:{port}/wall/", timeout=60
        )  # rendered by no earlier request
        assert status == 500
        assert b"Something went wrong" in body
        assert b"TemplateDoesNotExist" not in body
        assert demo.poll() is None
    finally:
        demo.kill()
        demo.wait(timeout=30)
