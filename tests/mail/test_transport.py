"""The hand-built MIME of bulk messages: its quoted-printable parts, and what a
worker process loads."""

from __future__ import annotations

import binascii
import os
import random
import subprocess
import sys
from pathlib import Path

from masthead.mail.transport import _qp


def _qp_whole(text: str) -> bytes:
    """The reference: the standard library's encoder over the whole text."""
    data = text.replace("\r\n", "\n").encode("utf-8")
    return binascii.b2a_qp(data, quotetabs=False, istext=True).replace(b"\n", b"\r\n")


def test_line_by_line_quoted_printable_is_the_whole_text_encoding():
    pieces = ["a", " ", "\t", ".", "=", "é", "€", "<p>", "x" * 75, "y" * 80, "\n", "\r\n", "\n\n"]
    rng = random.Random(11)
    texts = [
        "",
        ".",
        ".\n.",
        "trailing space \nand tab\t\nend ",
        "=" * 200,
        "\n".join("é" * n for n in range(0, 120, 7)),
        "a line of exactly seventy-six characters, no more and no less, to wrap.....\n",
        "x" * 75 + " \n\n",
        "x" * 75 + " ",
    ]
    texts += ["".join(rng.choices(pieces, k=rng.randint(1, 60))) for _ in range(3000)]
    for text in texts:
        assert _qp(text) == _qp_whole(text), repr(text)


def test_a_worker_process_does_not_load_scikit_learn(tmp_path: Path):
    """scikit-learn, numpy and SciPy are half of a worker's memory and no task uses them."""
    code = (
        "import sys, django; django.setup()\n"
        "import masthead.mail.tasks, masthead.mail.sending, masthead.runtime.worker\n"
        "loaded = sorted(m for m in ('sklearn', 'scipy', 'numpy') if m in sys.modules)\n"
        "print(','.join(loaded) or 'none')\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "masthead.settings.base",
        "SECRET_KEY": "worker-imports-test-" + "x" * 40,
        "SITE_URL": "http://127.0.0.1:8000",
        "EMAIL_URL": "smtp://127.0.0.1:2525",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MASTHEAD_DATA_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "none"
