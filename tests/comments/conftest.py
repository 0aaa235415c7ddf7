"""Fixtures for the comments tests: a story, readers, open moderation rules."""

from __future__ import annotations

import pytest

from masthead.comments import counts
from masthead.comments.models import CommentSettings
from tests.accounts.factories import UserFactory
from tests.comments.factories import CommenterFactory
from tests.content.factories import publish_story


@pytest.fixture(autouse=True)
def _fresh_counts(db):
    """Page ids repeat between tests: start each with an empty counts cache."""
    from django.core.cache import cache

    cache.delete(counts.VERSION_KEY)
    yield


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    """Every test posts from 127.0.0.1; the rate-limit tests set their own limits."""
    settings.RATELIMIT_COMMENT_ACCOUNT = "100000/h"
    settings.RATELIMIT_COMMENT_IP = "100000/h"


@pytest.fixture
def story(section):
    return publish_story(section, title="Harbour reopens after the storm", slug="harbour")


@pytest.fixture
def rules(db):
    """The settings row, with nothing held back unless a test asks."""
    row = CommentSettings.load()
    row.premoderate_first = 0
    row.premoderate_links = False
    row.save()
    return row


@pytest.fixture
def reader(db):
    return CommenterFactory(display_name="Ada Reader").user


@pytest.fixture
def other_reader(db):
    return CommenterFactory(display_name="Bo Neighbour").user


@pytest.fixture
def new_user(db):
    return UserFactory()


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client
