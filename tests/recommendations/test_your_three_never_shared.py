"""Your Three is per reader: the page cache never keeps it for another reader."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache

from masthead.analytics.models import STORY
from masthead.analytics.readers import reader_key
from masthead.metering.meter import METER_COOKIE
from tests.analytics.counts import BROWSER_UA, drain
from tests.pagecache.test_pagecache import call

from .test_recommendations import newsroom, viewed  # noqa: F401 (a fixture)


@pytest.fixture
def app(db, settings):
    """The page cache, with Your Three wrongly listed as a shared fragment."""
    from django.core.wsgi import get_wsgi_application

    from masthead.core.generation import watch
    from masthead.pagecache.app import PageCacheApp

    settings.PAGECACHE_SHARED_FRAGMENTS = [
        "analytics:most-read-fragment",
        "recommendations:your-three-fragment",
    ]
    cache.clear()
    watch.forget()
    return PageCacheApp(get_wsgi_application())


def test_your_three_is_never_served_from_a_shared_store(app, newsroom):  # noqa: F811
    stories, _ = newsroom
    meters = {"harbour": "1.a:65f0a0c0.mac", "vote": "1.b:65f0a0c0.mac"}
    for story, meter in meters.items():
        key = reader_key(
            user_id=None, meter_cookie=meter, user_agent=BROWSER_UA, story_id=None,
            now=time.time(),
        )  # fmt: skip
        viewed(key, STORY, stories[story].pk)
    drain()
    call(app, "/")  # starts the generation
    assert "/your-three/fragment/" in app.fragment_paths
    firsts = {}
    for story, meter in meters.items():
        for _ in range(2):
            answer = call(
                app, "/your-three/fragment/", cookies={METER_COOKIE: meter},
                HTTP_USER_AGENT=BROWSER_UA,
            )  # fmt: skip
            assert ("Cache-Control", "private, no-store") in answer.headers
            assert not any(name == "Age" for name, _ in answer.headers)
            firsts[story] = answer.body.split(b"<li", 2)[1]
    assert b"harbour" in firsts["harbour"]
    assert b"Polling" in firsts["vote"]
    assert app.fragments.entries == {}
