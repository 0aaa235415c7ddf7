"""Fixtures for recommendations: a clean slate of the view counts they read."""

from tests.analytics.counts import clean_counts  # noqa: F401 (autouse fixture)
