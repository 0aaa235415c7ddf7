"""The WSGI module a web worker loads."""

from __future__ import annotations

import os
import subprocess
import sys


def test_a_worker_freezes_what_it_loaded_so_full_collections_skip_it():
    """After loading the application, a full garbage collection scans only
    what came after (it took ~100 ms over the loaded modules' objects)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "masthead.settings.test"}
    probe = "import gc, masthead.wsgi; print(gc.get_freeze_count())"
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) > 50_000
