"""Connections kept open from one batch to the next in a worker process.

A batch of a bulk send goes over ``MAIL_BULK_CONNECTIONS`` SMTP connections
and one database connection for the *sent* records (``recording``). Opening
them for every batch meant, per batch, a TCP connection and SMTP
greeting per sending thread and a PostgreSQL backend started, in the pause
between two batches; a worker now hands a finished batch's connections to its
next batch, and closes them when no batch is due.

A connection goes back only after its last record was awaited, and the record
connection only with nothing pending, so an idle connection never holds a
message the database does not know about: the guarantee (at most one message
in flight per open SMTP connection) is unchanged. Only raw SMTP and the
PostgreSQL recorder are kept; other transports (an email provider's API, the
demo mailbox) are opened per batch as before.
"""

from __future__ import annotations

import contextlib
import threading
import time

from django.conf import settings
from django.db import connection

from .recording import GroupRecorder, recorder_open
from .transport import SMTPTransport, Transport, transport_open

# A connection idle longer than this is closed rather than reused (SMTP servers
# drop idle clients after a few minutes; a sweep between two sends may take a while).
IDLE_SECONDS = 10.0

_idle: list[tuple[tuple, float, object]] = []  # (where, since, transport or recorder)
_lock = threading.Lock()


def _where(kind: str) -> tuple:
    """What a kept connection is connected to: reused only for the same server."""
    if kind == "smtp":
        return (
            kind,
            settings.EMAIL_BACKEND,
            settings.EMAIL_HOST,
            settings.EMAIL_PORT,
            settings.EMAIL_HOST_USER,
            settings.EMAIL_USE_TLS,
            settings.EMAIL_USE_SSL,
        )
    db = connection.settings_dict
    return (kind, db["NAME"], db["HOST"], db["PORT"], db["USER"])


def _close(kept) -> None:
    with contextlib.suppress(Exception):
        kept.close()


def _checkout(kind: str):
    where, now, stale, found = _where(kind), time.monotonic(), [], None
    with _lock:
        for entry in list(_idle):
            kept_where, since, kept = entry
            if kept_where[0] != kind:
                continue
            _idle.remove(entry)
            if kept_where == where and now - since < IDLE_SECONDS:
                found = kept
                break
            stale.append(kept)
    for kept in stale:
        _close(kept)
    return found


def sender_checkout() -> Transport:
    """An SMTP transport: a kept one if one is fresh, else a new one."""
    return _checkout("smtp") or transport_open()


def sender_checkin(transport: Transport) -> None:
    """Keep a transport whose messages are all recorded (raw SMTP only); close any other."""
    if isinstance(transport, SMTPTransport):
        with _lock:
            _idle.append((_where("smtp"), time.monotonic(), transport))
    else:
        _close(transport)


def sender_discard(transport: Transport) -> None:
    """Close a transport that saw an unexpected error."""
    _close(transport)


def recorder_checkout():
    """The record connection for a batch: a kept one if fresh, else a new one."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        kept = _checkout("db")
        if kept is not None:
            return kept
    return recorder_open()


def recorder_checkin(recorder) -> None:
    """Keep the PostgreSQL recorder if nothing is pending on it; close any other."""
    if isinstance(recorder, GroupRecorder) and recorder.idle:
        with _lock:
            _idle.append((_where("db"), time.monotonic(), recorder))
    else:
        _close(recorder)


def senders_close() -> None:
    """Close every kept connection (no batch is due)."""
    with _lock:
        kept = [entry[2] for entry in _idle]
        _idle.clear()
    for each in kept:
        _close(each)
