"""Benchmark scenarios: each module here adds rows to the one table and JSON.

A scenario module defines (the README's benchmark section lists them):

- ``ORDER`` (int, optional): position in the table (pages are 10);
- ``runs(ctx) -> list[Run]``: the wrk runs to make against ``masthead serve``;
- ``prepare(ctx)`` (optional): set-up before the runs (data, cookies, scripts);
- ``server_env(options) -> dict`` (optional): extra environment for
  ``masthead serve`` (for example raised rate limits for a sign-up run).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

CONCURRENCY = (1, 16, 64)


@dataclass
class Run:
    """One row group: a path loaded by wrk at each concurrency."""

    scenario: str  # the row label, e.g. "story"
    path: str  # e.g. "/world/harbour-reopens/"
    concurrency: tuple[int, ...] = CONCURRENCY
    headers: dict[str, str] = field(default_factory=dict)
    script: str | None = None  # a wrk Lua script (POSTs, rotating cookies, ...)
    baseline: str | None = None  # another scenario to compare with at the same concurrency
    warm: bool = True  # run briefly before measuring (fills caches in every worker)
    base_url: str | None = None  # another server (the references); default masthead serve


@dataclass
class Context:
    """What a scenario may use: the server, the Django environment, a scratch folder."""

    base_url: str  # http://127.0.0.1:<port> of masthead serve
    env: dict[str, str]  # environment of the server (settings, database, cache)
    tmp: Path  # scratch folder, deleted at the end
    quick: bool
    home_path: str = "/"
    story_path: str = ""
    story_id: int = 0
    notes: dict[str, str] = field(default_factory=dict)  # printed under the table, kept in JSON

    def django(self, code: str, *, timeout: float = 300) -> str:
        """Run Python ``code`` with Django set up against the server's database; its stdout."""
        program = "import django\ndjango.setup()\n" + code
        done = subprocess.run(
            [sys.executable, "-c", program],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"bench set-up code failed:\n{done.stderr}")
        return done.stdout


def discover(only: set[str] | None = None) -> list[ModuleType]:
    """Scenario modules in this package, in table order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or (only and info.name not in only):
            continue
        found.append(importlib.import_module(f"{__name__}.{info.name}"))
    return sorted(found, key=lambda module: (getattr(module, "ORDER", 50), module.__name__))
