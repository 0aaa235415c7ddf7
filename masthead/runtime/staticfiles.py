"""Static files collected once per release, however many servers start at once.

``masthead serve`` collects the static files into ``STATIC_ROOT`` (in the data
folder) when this release's files are not there yet. Two servers started at
the same moment on one data folder (a systemd pair, container replicas on a
shared volume) used to collect into it together, and whitenoise's and Django's
post-processing, which delete and rewrite hashed files, made one of them die
with ``FileNotFoundError``. So the check and the collection happen under an
exclusive lock on a file in the data folder: the first server collects, the
others wait, find this release's files there and start at once.

"This release's files" is a fingerprint of every file the static finders see
(path, size, modification time), written next to the manifest once the
collection is complete: an upgrade of Masthead, Wagtail or Django changes it,
a restart does not. A server killed mid-collection leaves no fingerprint, so
the next start collects again.
"""

from __future__ import annotations

import fcntl
import hashlib
from pathlib import Path

RELEASE_STAMP = ".masthead-static-release"
LOCK_NAME = ".masthead-static.lock"


def static_fingerprint() -> str:
    """A digest of the static files this installation would collect."""
    from django.contrib.staticfiles import finders

    digest = hashlib.sha256()
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = Path(storage.path(path)).stat()
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def static_files_collect(*, force: bool = False) -> bool:
    """Collect static files unless this release's are collected already (or
    ``force``); returns whether it collected. Safe to call from any number of
    processes at once on one data folder: they take turns (``flock``)."""
    from django.conf import settings
    from django.core.management import call_command

    root = Path(settings.STATIC_ROOT)
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(root.parent / LOCK_NAME, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or the process dies
        fingerprint = static_fingerprint()
        stamp = root / RELEASE_STAMP
        manifest = root / "staticfiles.json"
        current = stamp.exists() and stamp.read_text() == fingerprint and manifest.exists()
        if current and not force:
            return False
        stamp.unlink(missing_ok=True)
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp.write_text(fingerprint)
    return True
