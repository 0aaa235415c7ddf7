"""Fixtures a test folder takes by importing them into its ``conftest.py``
(an autouse fixture applies to the folder that imports it)."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters (and whatever else sits in the shared cache) must not
    leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def one_sending_connection(settings):
    """Batches sent on the test's own database connection. With several, the
    engine's sending threads open connections of their own, which on PostgreSQL
    cannot see rows the test's open transaction wrote (a message then goes out
    unrecorded, or not at all); the threads are the engine's to test. The same
    holds for the engine's recording: tests that send mark themselves
    ``SENDS`` (a transactional database) so that PostgreSQL runs see the rows."""
    settings.MAIL_BULK_CONNECTIONS = 1
