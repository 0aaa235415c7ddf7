"""Django's PostgreSQL backend, with a health check that asks only when in doubt.

With ``CONN_HEALTH_CHECKS`` Django checks a kept connection at the start of
each request by running ``SELECT 1``: a round trip on every request that
touches the database. Between two requests a healthy connection has nothing
waiting on its socket (every reply was read with its query). A server that
restarted, failed over or ended the session has sent its goodbye and closed
the socket, which makes it readable. So: idle with nothing waiting, the
connection is usable; otherwise Django's own check decides. What neither can see
quickly is a silent network failure (no FIN): ``SELECT 1`` would then wait
for TCP to give up as well.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


def _input_waiting(fileno: int) -> bool:
    poller = select.poll()
    poller.register(fileno, select.POLLIN)
    return bool(poller.poll(0))


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed or self.connection.broken:
            return False
        idle = self.connection.info.transaction_status == pq.TransactionStatus.IDLE
        if idle and not _input_waiting(self.connection.fileno()):
            return True
        # Anything else (a reply waiting, a query or transaction left open after
        # an error): Django's own check, which asks the server.
        return super().is_usable()
