from __future__ import annotations

import pytest

from tests.content.factories import SeriesFactory
from tests.fixtures import fresh_cache, one_sending_connection  # noqa: F401 (autouse)


@pytest.fixture
def series(db):
    return SeriesFactory(title="Under the Streets", slug="under-the-streets")
