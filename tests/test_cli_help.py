"""Every ``masthead`` command's ``--help`` explains each flag and its default
(issue 9, item 11)."""

from __future__ import annotations

import argparse
import subprocess

import pytest

from masthead.cli import build_parser
from tests.serving import MASTHEAD, clean_env


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


@pytest.mark.parametrize("command", ["demo", "serve", "worker", "manage"])
def test_every_flag_says_what_it_does_and_its_default(command):
    parser = _commands()[command]
    assert parser.description, f"masthead {command} --help has no description"
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        name = "/".join(action.option_strings) or action.dest
        assert action.help and len(action.help) > 20, f"{command} {name} has no help"
        assert "default" in action.help, f"{command} {name} does not give its default"


def test_demo_help_as_printed():
    result = subprocess.run(
        [*MASTHEAD, "demo", "--help"], env=clean_env(), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "--data-dir DATA_DIR folder for the database" in text
    assert "(default: ./masthead-data)" in text
    assert "--host HOST address to listen on" in text and "(default: 127.0.0.1)" in text
    assert "--port PORT port to listen on (default: 8000)" in text
