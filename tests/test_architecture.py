"""The shape of the code, held by tests: the layer contract and the size of modules.

The layer order lives in pyproject.toml ([tool.importlinter]) and
docs/architecture.md; CI runs ``lint-imports`` beside ruff. These tests show
the contract holds on the code as it is and is broken by an upward import, so
a contract that silently checks nothing (a renamed package, a wrong root)
fails here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "masthead"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# A module that passes this many lines holds two ideas: split it.
MAX_LINES = 400
# Not code: generated migrations and the demo newspaper's story texts.
LONG_ALLOWED = ("migrations", "demo/stories")


def _lint_imports(project: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` on the package under ``project``, with that project's contract."""
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(project / "pyproject.toml"), "--no-cache"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _copy_project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(
        PACKAGE,
        tmp_path / "masthead",
        ignore=shutil.ignore_patterns("__pycache__", "static", "templates", "assets"),
    )
    return tmp_path


def test_the_layer_contract_holds():
    result = _lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_an_upward_import_breaks_the_layer_contract(tmp_path):
    project = _copy_project(tmp_path)
    ids = project / "masthead" / "core" / "ids.py"
    ids.write_text(ids.read_text() + "\nfrom masthead.content import models  # noqa\n")

    result = _lint_imports(project)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "masthead.core is not allowed to import masthead.content" in result.stdout
    assert "masthead.core.ids -> masthead.content.models" in result.stdout


def test_only_mail_builds_task_queue_rows(tmp_path):
    project = _copy_project(tmp_path)
    services = project / "masthead" / "metering" / "services.py"
    services.write_text(
        services.read_text() + "\nfrom django_tasks_db.models import DBTaskResult  # noqa\n"
    )

    result = _lint_imports(project)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Only mail and the runtime import django-tasks-db BROKEN" in result.stdout
    assert "masthead.metering.services -> django_tasks_db" in result.stdout


def test_a_module_the_contract_does_not_place_breaks_it(tmp_path):
    project = _copy_project(tmp_path)
    (project / "masthead" / "stray.py").write_text('"""Placed nowhere."""\n')

    result = _lint_imports(project)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "masthead.stray" in result.stdout


def _long_modules() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if any(f"{part}/" in f"{relative}" for part in LONG_ALLOWED):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            found.append(f"masthead/{relative}: {lines} lines")
    return found


def test_no_module_passes_400_lines():
    assert _long_modules() == []


def test_the_line_count_sees_a_long_module(tmp_path, monkeypatch):
    long_module = tmp_path / "masthead" / "core" / "long.py"
    long_module.parent.mkdir(parents=True)
    long_module.write_text("x = 1\n" * (MAX_LINES + 1))
    (tmp_path / "masthead" / "demo" / "stories").mkdir(parents=True)
    (tmp_path / "masthead" / "demo" / "stories" / "texts.py").write_text("x = 1\n" * 1000)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "masthead")

    assert _long_modules() == [f"masthead/core/long.py: {MAX_LINES + 1} lines"]
