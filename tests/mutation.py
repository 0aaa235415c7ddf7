"""Mutation testing of one module at a time, with only the tests that cover it.

    .venv/bin/pip install -e '.[mutation]'
    .venv/bin/python -m tests.mutation tokens        # or meter, pagecache, mail, wall
    .venv/bin/python -m tests.mutation tokens --results   # list the surviving mutants again
    .venv/bin/python -m tests.mutation wall trial_start setup_finish   # only these functions
    .venv/bin/python -m tests.mutation pagecache PageCacheApp._store  # or one method
    .venv/bin/python -m tests.mutation wall --database-url postgres://postgres@127.0.0.1:5432/mh_mut_wall

mutmut (a well-kept mutation tester) changes the module one small edit at a
time (``<`` to ``<=``, ``and`` to ``or``, a constant, a returned value) and runs
the tests that cover the changed function; a change no test notices is a
*surviving mutant*, a bug the tests would let through. mutmut reads one
configuration per folder, so each scope runs in ``.mutation/<scope>/``
(symbolic links to the code and the tests, and this project's pyproject.toml
with that scope's ``[tool.mutmut]`` section), which also keeps its results
for the next run: only changed functions are tested again.

It is slow (minutes to an hour per scope on two shared cores) and is a
workflow command, not part of CI. Tests marked ``slow`` or ``browser`` are
left out: they start servers and browsers, which no mutant of these modules
needs.

The tests run on SQLite (``DATABASE_URL`` and ``REDIS_URL`` are dropped) unless
``--database-url`` names a database for the run, as the wall needs for its
PostgreSQL-only sign-up path; pytest-django creates ``test_<name>`` there for
each mutant. Such a run keeps its results apart, in ``.mutation/<scope>-postgresql/``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# scope: (modules mutated, tests that cover them)
SCOPES: dict[str, tuple[list[str], list[str]]] = {
    "meter": (
        ["masthead/metering/meter.py"],
        ["tests/metering/test_meter.py", "tests/metering/test_meter_edges.py",
         "tests/pagecache/test_pagecache_meter.py",
         "tests/pagecache/test_per_reader_answers.py", "tests/metering/test_access.py"],
    ),
    # Where a bug serves the wrong page: the WSGI app, its tables and the CSRF swap.
    "pagecache": (
        ["masthead/pagecache/app.py", "masthead/pagecache/local.py",
         "masthead/pagecache/store.py", "masthead/pagecache/csrf.py"],
        ["tests/pagecache",
         # These start servers in other processes, which never load the mutant,
         # or make 1,000 requests (over two minutes a mutant under mutmut).
         "--deselect", "tests/pagecache/test_staleness.py::test_a_publish_shows_on_every_server_within_the_bound",
         "--deselect", "tests/pagecache/test_redis_down.py::test_redis_killed_mid_load_gives_no_server_error",
         "--deselect", "tests/pagecache/test_keys_and_table.py::test_a_thousand_junk_query_strings_add_no_entries"],
    ),
    "tokens": (
        ["masthead/accounts/tokens.py"],
        ["tests/accounts/test_tokens.py", "tests/accounts/test_token_edges.py",
         "tests/accounts/test_signin_link.py"],
    ),
    "mail": (
        ["masthead/mail/services.py"],
        ["tests/mail", "tests/runtime/test_heartbeat.py", "tests/core/test_db.py"],
    ),
    "wall": (["masthead/metering/services.py"], ["tests/metering", "tests/core/test_db.py"]),
}  # fmt: skip

EXCLUDED = ["-m", "not slow and not browser"]


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def _mutant_patterns(function: str) -> list[str]:
    """mutmut's names for the mutants of ``function`` (``name`` or ``Class.method``)."""
    if "." in function:
        cls, _, method = function.partition(".")
        return [f"*.x\u01c1{cls}\u01c1{method}__mutmut_*"]
    return [f"*.x_{function}__mutmut_*", f"*\u01c1{function}__mutmut_*"]


def scope_folder(scope: str, suffix: str = "") -> Path:
    """``.mutation/<scope><suffix>/``: links to the code and tests, and the configuration."""
    modules, tests = SCOPES[scope]
    folder = ROOT / ".mutation" / f"{scope}{suffix}"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("masthead", "tests", "bench"):  # some tests import bench's data builders
        link = folder / name
        if not link.exists():
            link.symlink_to(ROOT / name)
    project = (ROOT / "pyproject.toml").read_text()
    (folder / "pyproject.toml").write_text(
        project
        + "\n[tool.mutmut]\n"
        + 'source_paths = ["masthead/"]\n'
        + 'also_copy = ["bench/"]\n'
        + f"only_mutate = {_toml_list(modules)}\n"
        + f"pytest_add_cli_args_test_selection = {_toml_list(tests + EXCLUDED)}\n"
        # Tables from the models rather than the migrations: a mutant's tests
        # then start in a second or two (tests/conftest.py restores the seed rows).
        + 'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "--no-migrations"]\n'
        + "timeout_constant = 20.0\n"
    )
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation", description=__doc__)
    parser.add_argument("scope", choices=sorted(SCOPES), help="which module(s) to mutate")
    parser.add_argument(
        "--max-children", type=int, default=1, help="mutants tested at once (default: 1)"
    )
    parser.add_argument(
        "functions",
        nargs="*",
        help="mutate only these functions of the scope (default: all; results are kept per mutant)",
    )
    parser.add_argument(
        "--results", action="store_true", help="only list the surviving mutants of the last run"
    )
    parser.add_argument(
        "--database-url",
        help="run the tests on this database (e.g. postgres://...; default: SQLite); "
        "results are kept apart from the SQLite run's",
    )
    parser.add_argument(
        "--redis-url", help="with --database-url: the cache too (default: in-process memory)"
    )
    args = parser.parse_intermixed_args(argv)  # options before or after the functions
    if args.redis_url and not args.database_url:
        parser.error("--redis-url needs --database-url")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    suffix = ""
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
        scheme = args.database_url.partition(":")[0]  # postgres, postgresql, sqlite
        suffix = "-postgresql" if scheme.startswith("postgres") else f"-{scheme}"
        if args.redis_url:
            env["REDIS_URL"] = args.redis_url
    folder = scope_folder(args.scope, suffix)
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    if not args.results:
        run = [mutmut, "run", "--max-children", str(args.max_children)]
        run += [pattern for name in args.functions for pattern in _mutant_patterns(name)]
        code = subprocess.call(run, cwd=folder, env=env)
        if code:
            return code
    return subprocess.call([mutmut, "results"], cwd=folder, env=env)


if __name__ == "__main__":
    sys.exit(main())
