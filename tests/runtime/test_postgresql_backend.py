"""The PostgreSQL health check finds a connection the server closed, without a query."""

from __future__ import annotations

import select

import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


@pytest.fixture
def spare():
    """A second connection to the test database, outside the test's transaction."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _last_query(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def test_a_healthy_connection_is_usable_without_a_query(spare):
    with spare.cursor() as cursor:
        cursor.execute("SELECT 'last words'")
    assert spare.is_usable() is True
    assert _last_query(spare.connection.info.backend_pid) == "SELECT 'last words'"


def test_a_connection_the_server_ended_is_not_usable(spare):
    backend_pid = spare.connection.info.backend_pid
    with connection.cursor() as cursor:  # as a restart or an administrator would
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    # Wait (bounded) for the server's goodbye to reach the socket, as it would
    # between two requests.
    readable, _, _ = select.select([spare.connection.fileno()], [], [], 10)
    assert readable, "the server did not close the connection within 10 s"
    assert spare.is_usable() is False
    spare.close_if_unusable_or_obsolete()  # what Django does as a request starts
    with spare.cursor() as cursor:  # the check replaced it: the request goes on
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_connection_left_in_a_transaction_is_checked_by_asking_the_server(spare):
    spare.set_autocommit(False)
    with spare.cursor() as cursor:
        cursor.execute("SELECT 'inside a transaction'")
    assert spare.is_usable() is True
    assert _last_query(spare.connection.info.backend_pid) == "SELECT 1"
    spare.rollback()
    spare.set_autocommit(True)
