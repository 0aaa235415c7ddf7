"""What one process stores the others serve, and a stored page's validator
follows its bytes.

A server runs several processes, each with its own table; the shared cache is
how a page one of them rendered reaches the others without another render.
"""

from __future__ import annotations

from django.core.wsgi import get_wsgi_application

from masthead.core.generation import generation_start
from masthead.metering.meter import METER_COOKIE
from masthead.pagecache.app import PageCacheApp
from tests.pagecache.test_pagecache import call, warm


def test_a_page_one_process_stored_is_served_by_another_without_rendering(
    app, story, unmetered, django_assert_num_queries
):
    """The home page (one copy for everyone) and a story (metered: the entry
    that says so, and its whole copy) both come from the shared cache."""
    home = warm(app, "/")
    first = warm(app, story.url)
    other = PageCacheApp(get_wsgi_application())  # a second process: its table is empty
    with django_assert_num_queries(0):
        home_there = call(other, "/")
        story_there = call(other, story.url)
    assert home_there.status_code == 200
    assert home_there.body == home.body
    assert home_there.header("ETag") == home.header("ETag")
    assert story_there.status_code == 200
    assert "Harbour reopens after storm" in story_there.text
    assert story_there.body == first.body
    assert METER_COOKIE in story_there.cookies()  # a new reader, counted there too


def test_a_browser_holding_the_page_before_an_edit_gets_the_edit(
    app, story, django_capture_on_commit_callbacks
):
    """Revalidating with the old ETag is answered with the new page, not a 304."""
    before = warm(app, "/")
    old_etag = before.header("ETag")
    assert old_etag
    with django_capture_on_commit_callbacks(execute=True):
        story.title = "Harbour stays shut"
        story.save_revision().publish()
    warm(app, "/")  # rendered again and stored under the new generation
    after = call(app, "/", HTTP_IF_NONE_MATCH=old_etag)
    assert after.status_code == 200
    assert "Harbour stays shut" in after.text
    assert after.header("ETag") not in (None, old_etag)


def test_two_shared_fragments_are_kept_apart(db, settings):
    """Each fragment path is kept under its own key: one never answers for the other."""
    from django.core.cache import cache
    from django.http import HttpResponse

    settings.PAGECACHE_SHARED_FRAGMENTS = ["analytics:most-read-fragment", "analytics:most-read"]

    def fragments(environ, start_response):
        response = HttpResponse(f"<ol>{environ['PATH_INFO']}</ol>")
        response["Cache-Control"] = "public, max-age=30, s-maxage=30"
        start_response("200 OK", list(response.items()))
        return response

    cache.clear()
    app = PageCacheApp(fragments)
    generation_start()  # as the first stored page would
    for _ in range(2):  # rendered and kept, then from the fragment table
        assert call(app, "/most-read/fragment/").text == "<ol>/most-read/fragment/</ol>"
        assert call(app, "/most-read/").text == "<ol>/most-read/</ol>"
    assert app.fragments.hits == 2


def test_the_shared_copy_frees_its_memory_after_an_hour(db):
    """Validity comes from the generation; the timeout only frees the shared
    cache's memory, so an entry no process asks for goes after an hour. (A
    local-memory cache here: it expires by Python's clock, which the test
    moves; Redis expires by its own.)"""
    import time_machine
    from django.core.cache.backends.locmem import LocMemCache

    from masthead.pagecache.store import ENTRY_TIMEOUT, CacheStore, Entry

    shared = CacheStore(LocMemCache("shared-copy-expiry", {}))
    with time_machine.travel(1_800_000_000, tick=False) as clock:
        shared.put_entry("http:/", Entry("g", "200 OK", [], b"<p>Home</p>"))
        clock.shift(ENTRY_TIMEOUT - 1)
        assert shared.entry("http:/").body == b"<p>Home</p>"
        clock.shift(2)
        assert shared.entry("http:/") is None


def test_an_unreachable_shared_cache_is_logged_with_its_error(caplog):
    """The log names what went wrong, for the operator reading it."""
    import logging

    from masthead.core.degraded import degraded_forget
    from masthead.pagecache.store import CacheStore, Entry

    class Down:
        def get(self, key):
            raise ConnectionRefusedError("refused")

        def set(self, key, value, timeout=None):
            raise TimeoutError("timed out")

    shared = CacheStore(Down())
    with caplog.at_level(logging.WARNING, logger="masthead.degraded"):
        degraded_forget()
        assert shared.entry("http:/") is None
        degraded_forget()
        shared.put_entry("http:/", Entry("g", "200 OK", [], b""))
    warnings = [r.getMessage() for r in caplog.records if r.name == "masthead.degraded"]
    assert len(warnings) == 2
    assert "ConnectionRefusedError" in warnings[0] and "TimeoutError" in warnings[1]
