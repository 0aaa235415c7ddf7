from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.content.factories import SeriesFactory


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def series(db):
    return SeriesFactory(title="Under the Streets", slug="under-the-streets")
