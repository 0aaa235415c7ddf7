from __future__ import annotations

import pytest

from tests.fixtures import fresh_cache  # noqa: F401 (autouse)


@pytest.fixture
def site(home):
    """A site to render the frame of every page."""
    return home
