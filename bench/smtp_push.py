"""The sink's ceiling, one process of it: a plain SMTP client pushing one
pre-rendered message over ``--connections`` threads, with no database and no
rendering, over the same wire exchange as the engine
(``transport.smtp_exchange``: MAIL, RCPT and DATA pipelined when offered).

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
import threading
import time
from pathlib import Path

from masthead.mail.transport import smtp_exchange


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--connections", type=int, required=True)
    parser.add_argument("--message", type=Path, required=True)
    parser.add_argument("--warmup", type=int, default=50, help="messages per connection")
    args = parser.parse_args()
    message = args.message.read_bytes()
    clients = []
    for _ in range(args.connections):
        client = smtplib.SMTP("127.0.0.1", args.port, timeout=60)
        client.ehlo()
        clients.append(client)
    each = [
        args.count // args.connections + (i < args.count % args.connections)
        for i in range(args.connections)
    ]
    start = threading.Barrier(args.connections + 1)

    def run(client: smtplib.SMTP, n: int) -> None:
        for i in range(args.warmup):
            smtp_exchange(client, "news@localhost", f"warmup{i}@example.org", message)
        start.wait()
        start.wait()
        for i in range(n):
            smtp_exchange(client, "news@localhost", f"ceiling{i}@example.org", message)

    threads = [threading.Thread(target=run, args=pair) for pair in zip(clients, each, strict=True)]
    for thread in threads:
        thread.start()
    start.wait()  # every connection warmed up
    print("ready", flush=True)
    sys.stdin.readline()
    began = time.monotonic()
    start.wait()
    for thread in threads:
        thread.join()
    ended = time.monotonic()
    for client in clients:
        client.quit()
    print(json.dumps({"start": began, "end": ended, "count": args.count}), flush=True)


if __name__ == "__main__":
    main()
