"""Fixtures for the page cache tests: the generation held in memory, as in production."""

from __future__ import annotations

import pytest

from masthead.core.generation import watch
from tests.pagecache.servers import prepare_site


@pytest.fixture(autouse=True)
def in_memory_generation():
    """The generation in this process's memory with its poller (settings for other
    tests read it from the cache on every call)."""
    watch.stop()
    watch.poll_seconds = 0.05
    watch.forget()
    yield watch
    watch.stop()
    watch.poll_seconds = None
    watch.forget()


@pytest.fixture
def story(section):
    from tests.content.factories import publish_story

    return publish_story(section, title="Harbour reopens after storm", slug="harbour")


@pytest.fixture
def unmetered(db):
    """A generous allowance, so these tests see whole stories."""
    from masthead.core.models import SiteSettings

    SiteSettings.objects.update_or_create(defaults={"meter_allowance": 1000})


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """A small SQLite site on disk for tests that run real servers: (data dir, its pages)."""
    data_dir = tmp_path_factory.mktemp("pagecache-site")
    return data_dir, prepare_site(data_dir)
