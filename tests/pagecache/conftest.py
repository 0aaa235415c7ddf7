"""Fixtures for the page cache tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from masthead.pagecache.app import PageCacheApp


@pytest.fixture
def app(db):
    from django.core.wsgi import get_wsgi_application

    cache.clear()
    return PageCacheApp(get_wsgi_application())
