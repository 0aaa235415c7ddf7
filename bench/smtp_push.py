"""The sink's ceiling, one process of it: a plain SMTP client pushing one
pre-rendered message over ``--connections`` connections, with no database and
no rendering, over the same wire exchange as the engine: the engine's own
one-thread driver (``masthead.mail.multiplex``: MAIL, RCPT and DATA
pipelined when offered, the body and its "." in one write) with a recorder
that records nothing.

``python -m bench.smtp_push --port N --count K --connections C --message FILE``
opens its connections, pushes ``--warmup`` messages on each, prints "ready",
waits for a line on stdin (so that several processes start together), pushes
``--count`` messages in all, and prints one JSON line: its start and end on
the system's monotonic clock (comparable between processes) and the count.
It runs as a process of its own started like ``masthead worker``, so the
reference and the engine have the same interpreter, flags and process count.
"""

from __future__ import annotations

import argparse
import json
import smtplib
import sys
import time
from pathlib import Path

from masthead.mail.multiplex import InstantRecorder, Multiplexer


class _Transport:
    """What the driver needs of a transport: an open, greeted connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.backend = self  # the driver clears ``backend.connection`` on a hang-up
        self.connection: smtplib.SMTP | None = None

    def connect(self) -> smtplib.SMTP:
        if self.connection is None:
            self.connection = smtplib.SMTP("127.0.0.1", self.port, timeout=60)
            self.connection.ehlo()
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            self.connection.quit()


class _NoRecords(InstantRecorder):
    """No database: every accepted message counts as recorded at once."""

    def add(self, delivery_id: int) -> None:
        pass

    def recorded(self, delivery_id: int) -> bool:
        return True


def _fail(delivery_id: int, exc: BaseException) -> None:
    raise SystemExit(f"bench.smtp_push: message {delivery_id} refused: {exc}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--connections", type=int, required=True)
    parser.add_argument("--message", type=Path, required=True)
    parser.add_argument("--warmup", type=int, default=50, help="messages per connection")
    args = parser.parse_args()
    message = args.message.read_bytes()
    transports = [_Transport(args.port) for _ in range(args.connections)]

    def push(count: int, name: str) -> None:
        sender = Multiplexer(transports, _NoRecords(), envelope="news@localhost", failed=_fail)
        messages = ((i, f"{name}{i}@example.org", message) for i in range(count))
        if sender.run(messages):
            raise SystemExit(f"bench.smtp_push: could not connect: {sender.error}")

    push(args.warmup * args.connections, "warmup")
    print("ready", flush=True)
    sys.stdin.readline()
    began = time.monotonic()
    push(args.count, "ceiling")
    ended = time.monotonic()
    for transport in transports:
        transport.close()
    print(json.dumps({"start": began, "end": ended, "count": args.count}), flush=True)


if __name__ == "__main__":
    main()
