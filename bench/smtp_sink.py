"""A counting SMTP sink on 127.0.0.1, for the bulk-send benchmark and fault test.

``python -m bench.smtp_sink --port N [--record FILE]`` accepts every message
and counts it; with ``--record`` it also keeps each message's recipients, for
finding what is missing or repeated. Two extra commands answer on any
connection: ``XCOUNT`` (messages accepted so far) and ``XDUMP`` (write the
recorded recipients to the file now, one line per message). It speaks just
enough SMTP for smtplib and Django's SMTP backend (EHLO, MAIL, RCPT, DATA,
RSET, NOOP, QUIT) and parses nothing else, so its ceiling is high; the
benchmark measures that ceiling with a plain client in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import smtplib
from pathlib import Path


class Sink:
    def __init__(self, record: Path | None) -> None:
        self.count = 0
        self.record = record
        self.recipients: list[str] = []

    def accepted(self, rcpts: list[bytes]) -> None:
        self.count += 1
        if self.record is not None:
            self.recipients.append(",".join(r.decode("ascii", "replace") for r in rcpts))

    def dump(self) -> None:
        if self.record is not None:
            self.record.write_text("\n".join(self.recipients) + "\n")


class SinkProtocol(asyncio.Protocol):
    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.buffer = b""
        self.in_data = False
        self.rcpts: list[bytes] = []

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, chunk: bytes) -> None:
        self.buffer += chunk
        while True:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    return
                self.buffer = self.buffer[end + 5 :]
                self.in_data = False
                self.sink.accepted(self.rcpts)
                self.rcpts = []
                self.transport.write(b"250 2.0.0 Ok: queued\r\n")
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                return
            line, self.buffer = self.buffer[:end], self.buffer[end + 2 :]
            self.command(line)

    def command(self, line: bytes) -> None:
        verb = line[:4].upper()
        write = self.transport.write
        if verb == b"EHLO":
            write(
                b"250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 52428800\r\n"
            )
        elif verb == b"MAIL":
            self.rcpts = []
            write(b"250 2.1.0 Ok\r\n")
        elif verb == b"RCPT":
            address = line.partition(b":")[2].strip().strip(b"<>")
            self.rcpts.append(address.split(b">")[0])
            write(b"250 2.1.5 Ok\r\n")
        elif verb == b"DATA":
            self.in_data = True
            self.buffer = b"\r\n" + self.buffer  # so an empty body still ends at "\r\n.\r\n"
            write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
        elif verb == b"QUIT":
            write(b"221 2.0.0 Bye\r\n")
            self.transport.close()
        elif verb == b"XCOU":
            write(f"250 {self.sink.count}\r\n".encode())
        elif verb == b"XDUM":
            self.sink.dump()
            write(f"250 {self.sink.count}\r\n".encode())
        else:  # HELO, RSET, NOOP and anything else
            write(b"250 2.0.0 Ok\r\n")


def ask(port: int, command: str) -> int:
    """Send XCOUNT or XDUMP to the sink on ``port``; the count it answers."""
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        code, reply = client.docmd(command)
        if code != 250:
            raise RuntimeError(f"sink answered {code} {reply!r}")
        return int(reply)


async def serve(port: int, record: Path | None) -> None:
    sink = Sink(record)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SinkProtocol(sink), "127.0.0.1", port)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(f"sink listening on 127.0.0.1:{port}", flush=True)
    async with server:
        await stop.wait()
    sink.dump()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", type=Path)
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.record))


if __name__ == "__main__":
    main()
