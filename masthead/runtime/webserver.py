"""``python -m masthead.runtime.webserver ARGS``: granian's command line, with
one listening socket that every web worker accepts from.

On Linux granian gives each worker a socket of its own on the port
(``SO_REUSEPORT``), and the kernel spreads new connections over them by a
hash of the client's address. When a worker dies (the kernel's OOM killer,
a crash in an extension), its socket dies with it, and for as long as the
process takes to be torn down the kernel still hands it connections and then
refuses or resets them: with four clients in a loop, about 5,000 refused
connections in the first half second, while the other worker sat idle
(``tests/runtime/test_serve_workers.py``). On other systems granian binds one
socket in its master process and shares it with the workers; a connection
then waits in that one queue until a live worker takes it, and a dead worker
loses only the requests it was serving. This module asks granian for that
layout on Linux too, and changes nothing else: same options, same workers.
"""

from __future__ import annotations


def _one_socket_for_every_worker() -> None:
    from granian.net import SocketSpec, UnixSocketSpec
    from granian.server.common import AbstractServer

    def init_shared_socket(server) -> None:
        # What granian does off Linux: bind once here, hand the workers the socket.
        if server.bind_uds:
            spec = UnixSocketSpec(str(server.bind_uds), server.backlog, server.uds_permissions)
        else:
            spec = SocketSpec(server.bind_addr, server.bind_port, server.backlog)
        server._ssp = None
        server._shd = spec.build()
        server._sfd = server._shd.get_fd()

    AbstractServer._init_shared_socket = init_shared_socket


def main() -> None:
    _one_socket_for_every_worker()
    from granian.cli import entrypoint

    entrypoint()


if __name__ == "__main__":
    main()
