"""Fixtures for analytics: a clean slate of counts (``counts.py``)."""

from tests.analytics.counts import clean_counts  # noqa: F401 (autouse fixture)
