"""Connections kept open from one batch to the next in a worker process.

A batch of a bulk send goes over ``MAIL_BULK_CONNECTIONS`` pairs of an SMTP
connection and a database connection for the *sent* records. Opening them for
every batch of 1,000 meant, per pair, a TCP connection and SMTP greeting and a
PostgreSQL backend started, in the pause between two batches; a worker now
hands a finished batch's pairs to its next batch, and closes them when no
batch is due.

A pair goes back only after its last record was awaited, so an idle
connection never holds a message the database does not know about: the
guarantee (at most one message in flight per open connection) is unchanged.
Only raw SMTP with the PostgreSQL recorder is kept; other transports (an
email provider's API, the demo mailbox) are opened per batch as before.
"""

from __future__ import annotations

import contextlib
import threading
import time

from django.conf import settings
from django.db import connection

from .recording import PostgresRecorder, recorder_open
from .transport import SMTPTransport, Transport, transport_open

# A pair idle longer than this is closed rather than reused (SMTP servers drop
# idle clients after a few minutes; a sweep between two sends may take a while).
IDLE_SECONDS = 10.0

_idle: list[tuple[tuple, float, Transport, object]] = []
_lock = threading.Lock()


def _where() -> tuple:
    """What a kept pair is connected to: reused only for the same servers."""
    db = connection.settings_dict
    return (
        settings.EMAIL_BACKEND,
        settings.EMAIL_HOST,
        settings.EMAIL_PORT,
        settings.EMAIL_HOST_USER,
        settings.EMAIL_USE_TLS,
        settings.EMAIL_USE_SSL,
        db["NAME"],
        db["HOST"],
        db["PORT"],
        db["USER"],
    )


def _close(transport: Transport, recorder) -> None:
    with contextlib.suppress(Exception):
        transport.close()
    with contextlib.suppress(Exception):
        recorder.close()


def sender_checkout() -> tuple[Transport, object]:
    """An SMTP transport and a recorder: a kept pair if one is fresh, else new ones."""
    where, now, stale = _where(), time.monotonic(), []
    found = None
    with _lock:
        while _idle and found is None:
            kept_where, since, transport, recorder = _idle.pop()
            if kept_where == where and now - since < IDLE_SECONDS:
                found = (transport, recorder)
            else:
                stale.append((transport, recorder))
    for pair in stale:
        _close(*pair)
    return found or (transport_open(), recorder_open())


def sender_checkin(transport: Transport, recorder) -> None:
    """Keep a pair whose records are all awaited for the next batch (raw SMTP
    and PostgreSQL only); close any other."""
    if isinstance(transport, SMTPTransport) and isinstance(recorder, PostgresRecorder):
        with _lock:
            _idle.append((_where(), time.monotonic(), transport, recorder))
    else:
        _close(transport, recorder)


def sender_discard(transport: Transport, recorder) -> None:
    """Close a pair that saw an unexpected error."""
    _close(transport, recorder)


def senders_close() -> None:
    """Close every kept pair (no batch is due)."""
    with _lock:
        kept = [(transport, recorder) for _, _, transport, recorder in _idle]
        _idle.clear()
    for pair in kept:
        _close(*pair)
