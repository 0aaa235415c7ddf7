from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.content.factories import SeriesFactory


@pytest.fixture(autouse=True)
def _one_sending_connection(settings):
    """Batches sent on the test's own database connection. With several, the
    engine's sending threads open connections of their own, which on PostgreSQL
    cannot see rows the test's open transaction wrote (a message then goes out
    unrecorded, or not at all); the threads are the engine's to test."""
    settings.MAIL_BULK_CONNECTIONS = 1


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def series(db):
    return SeriesFactory(title="Under the Streets", slug="under-the-streets")
