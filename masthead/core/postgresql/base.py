"""Django's PostgreSQL backend, with a health check that asks only when in doubt.

With ``CONN_HEALTH_CHECKS`` Django checks a kept connection at the start of
each request by running ``SELECT 1``: a round trip on every request that
touches the database. Between two requests a healthy connection has nothing
waiting on its socket (every reply was read with its query). A server that
restarted, failed over or ended the session has sent its goodbye and closed
the socket, which makes it readable. So: nothing waiting, the connection is
usable; something waiting, Django's own check decides. What neither can see
quickly is a silent network failure (no FIN): ``SELECT 1`` would then wait
for TCP to give up as well.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


def _input_waiting(fileno: int) -> bool:
    poller = select.poll()
    poller.register(fileno, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed or self.connection.broken:
            return False
        if not _input_waiting(self.connection.fileno()):
            return True
        return super().is_usable()
