"""Fixtures for the meter and the wall: a handful of stories, readers, settings."""

from __future__ import annotations

import pytest

from masthead.core.models import SiteSettings
from tests.content.factories import publish_story
from tests.fixtures import fresh_cache  # noqa: F401 (autouse: counters, the generation's policy)
from tests.metering.factories import ReaderFactory


@pytest.fixture(params=[True, False], ids=["c-meter", "python-meter"])
def both_meters(request, settings):
    """A test with the compiled meter on, then off: ``meter._decide`` is the
    definition, so it keeps its own coverage where C would answer first."""
    settings.METER_COMPILED = request.param
    return request.param


@pytest.fixture
def site_settings(db):
    return SiteSettings.load()


@pytest.fixture
def stories(section):
    """Six stories whose paragraphs are easy to find in the HTML."""
    return [
        publish_story(
            section,
            title=f"Story {n}",
            paragraphs=[f"Story {n} paragraph {p}." for p in range(1, 7)],
        )
        for n in range(1, 7)
    ]


@pytest.fixture
def reader(db):
    return ReaderFactory()


@pytest.fixture
def walled_story(stories, site_settings):
    """A story an anonymous reader meets behind the wall (allowance 0)."""
    site_settings.meter_allowance = 0
    site_settings.save()
    return stories[0]
