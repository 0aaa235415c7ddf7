"""Stored pages are keyed by their canonical URL, and each process's table is bounded."""

from __future__ import annotations

import sys
import threading

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIRequest
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.test import RequestFactory

from masthead.core.generation import generation_bump
from masthead.pagecache import local
from masthead.pagecache.app import PageCacheApp
from masthead.pagecache.local import LocalTable
from masthead.pagecache.store import Entry
from tests.content.factories import publish_story
from tests.pagecache.test_pagecache import call, warm


def _entries(app) -> int:
    return len(app.local)


def test_a_thousand_junk_query_strings_add_no_entries(app, section, story, unmetered):
    warm(app, section.url)
    warm(app, story.url)
    before = _entries(app)
    junk = [
        *(f"?page={n}" for n in range(2, 400)),  # a section of one page shows page 1 for all
        *(f"?utm_source=feed{n}" for n in range(300)),
        *(f"?page=abc{n}" for n in range(150)),
        *(f"?page=1&x={n}" for n in range(152)),
    ]
    assert len(junk) == 1000
    for query in junk:
        assert call(app, section.url + query).status_code == 200
    for query in junk[:50]:
        assert call(app, story.url + query).status_code == 200
    assert _entries(app) == before


def test_other_hosts_and_ports_are_served_by_django_and_not_stored(app, story, unmetered):
    warm(app, story.url)
    before = _entries(app)
    for port in range(8000, 8020):
        response = call(app, story.url, HTTP_HOST=f"testserver:{port}")
        assert response.status_code == 200  # Django answers (ALLOWED_HOSTS ignores ports)
    assert call(app, story.url, HTTP_HOST="localhost").status_code == 200  # allowed alias
    # A host the site does not serve gets Django's refusal, not the stored page.
    assert call(app, story.url, HTTP_HOST="elsewhere.example").status_code == 400
    assert _entries(app) == before


def test_the_second_page_of_a_section_is_stored_under_its_own_key(
    app, section, unmetered, django_assert_num_queries
):
    for n in range(25):
        publish_story(section, title=f"Story {n}", slug=f"story-{n}")
    warm(app, section.url + "?page=2")
    warm(app, section.url)
    with django_assert_num_queries(0):
        second = call(app, section.url + "?page=2")
    assert second.status_code == 200
    with django_assert_num_queries(0):
        first = call(app, section.url)
    assert first.body != second.body


def _https_only_app(settings, proxy_header=None) -> PageCacheApp:
    """The site with ``SECURE_SSL_REDIRECT`` (and a proxy's header, if given),
    built after the settings change, as ``masthead serve`` would start."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = proxy_header
    cache.clear()
    return PageCacheApp(get_wsgi_application())


def test_on_an_https_site_https_readers_get_the_cached_page_and_http_is_redirected(
    settings, story, unmetered, django_assert_num_queries
):
    app = _https_only_app(settings)
    call(app, story.url, secure=True)  # starts a generation
    stored = call(app, story.url, secure=True)
    with django_assert_num_queries(0):
        hit = call(app, story.url, secure=True)
    assert hit.status_code == 200
    assert hit.body == stored.body
    plain = call(app, story.url)
    assert plain.status_code == 301
    assert plain.header("Location") == f"https://testserver{story.url}"


def test_behind_a_proxy_its_header_says_https_and_http_is_redirected(
    settings, story, unmetered, django_assert_num_queries
):
    """The proxy speaks TLS to the reader and plain HTTP to the server; its
    header is what says the reader asked for https (the first value when
    several proxies added theirs), as Django reads it."""
    app = _https_only_app(settings, ("HTTP_X_FORWARDED_PROTO", "https"))
    via = {"HTTP_HOST": "testserver", "HTTP_X_FORWARDED_PROTO": "https"}
    call(app, story.url, **via)  # starts a generation
    stored = call(app, story.url, **via)
    with django_assert_num_queries(0):
        hit = call(app, story.url, **via)
        chained = call(app, story.url, HTTP_HOST="testserver", HTTP_X_FORWARDED_PROTO="https, http")
    assert hit.status_code == chained.status_code == 200
    assert hit.body == chained.body == stored.body
    for header in ({"HTTP_X_FORWARDED_PROTO": "http"}, {}):  # plain http, or no proxy
        plain = call(app, story.url, HTTP_HOST="testserver", **header)
        assert plain.status_code == 301
        assert plain.header("Location") == f"https://testserver{story.url}"


@pytest.mark.parametrize("served_over", ["http", "https"])
@pytest.mark.parametrize(
    "proxy_says", [None, "https", "http", "https, http", "http, https", " https", "HTTPS", ""]
)
def test_the_cache_reads_the_scheme_as_django_does(settings, served_over, proxy_says):
    """Behind a proxy, its header alone says the scheme when it came, whatever
    the server itself was spoken to with: a copy stored under another scheme
    than Django rendered it for (with or without its HSTS header) would be
    served to the wrong readers."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    app = PageCacheApp(get_wsgi_application())
    environ = RequestFactory().get("/").environ
    environ["wsgi.url_scheme"] = served_over
    if proxy_says is not None:
        environ["HTTP_X_FORWARDED_PROTO"] = proxy_says
    assert app._scheme(environ) == WSGIRequest(environ).scheme


def _entry(size: int) -> Entry:
    return Entry("g", "200 OK", [], b"x" * size)


def test_the_table_keeps_at_most_its_entries_and_bytes():
    table = LocalTable(max_entries=3, max_bytes=10_000)
    for n in range(5):
        table.put(f"/{n}", _entry(100))
    assert list(table.entries) == ["/2", "/3", "/4"]  # the oldest went first
    table.put("/big", _entry(6000))
    assert list(table.entries) == ["/3", "/4", "/big"]
    table.put("/big2", _entry(7000))  # over the bytes: as many old ones go as it takes
    assert list(table.entries) == ["/big2"]
    assert table.bytes <= 10_000
    table.put("/huge", _entry(20_000))  # larger than the whole table: not kept
    assert list(table.entries) == ["/big2"]
    assert table.evictions == 6


def test_two_threads_filling_one_table_keep_it_whole_and_its_byte_count_true():
    """A worker with several threads fills its table from each of them. Two
    evictions at once once popped the same entry (KeyError), or saw the table
    change under them (RuntimeError), and the byte count drifted (negative,
    by thousands) so the byte bound no longer held. Switching threads every
    microsecond makes the interleavings common; 2 x 10,000 fills."""
    table = LocalTable(max_entries=8, max_bytes=10**9)
    errors: list[str] = []

    def fill() -> None:
        for n in range(10_000):
            try:
                table.put(f"/{n % 50}", _entry(10 + n % 7))
            except Exception as exc:  # what a racing eviction raised
                errors.append(type(exc).__name__)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=fill) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert len(table) <= 8
    assert table.bytes == sum(local._size(key, entry) for key, entry in table.entries.items())


def test_a_session_cookie_behind_a_utf8_no_break_space_goes_to_django(app, story, unmetered):
    """WSGI hands the header's bytes over as latin-1; Django reads them as
    UTF-8, where ``\xc2\xa0`` is a no-break space it strips: to Django this
    reader sends a session cookie, so the cache must step aside for it."""
    warm(app, story.url)
    hits = app.local.hits
    call(app, story.url)
    assert app.local.hits == hits + 1  # a plain reader is a hit
    call(app, story.url, HTTP_COOKIE="\xc2\xa0sessionid=abc")
    assert app.local.hits == hits + 1  # this one went to Django


def test_hit_rate_and_size_are_shown_by_the_command(app, story, unmetered, capsys):
    warm(app, story.url)
    call(app, story.url)
    call(app, story.url)
    local.stats_publish(app.local)
    call_command("pagecache_stats")
    out = capsys.readouterr().out
    assert "hit rate" in out
    row = next(
        line for line in out.splitlines() if line.strip().startswith(str(app.local.stats().pid))
    )
    assert f"{len(app.local)}/{app.local.max_entries}" in row
    assert "50.0%" in row  # two hits, two misses


def test_a_new_generation_is_a_miss_for_every_kept_entry(app, story, unmetered):
    warm(app, story.url)
    generation_bump()
    misses = app.local.misses
    call(app, story.url)
    assert app.local.misses == misses + 1


def test_a_page_stored_again_replaces_its_entry_and_its_bytes():
    """A page re-rendered after an edit takes its old entry's place: the table's
    byte count (what ``pagecache_stats`` shows) counts it once, nothing else goes."""
    table = LocalTable(max_entries=3, max_bytes=10_000)
    table.put("/a", _entry(100))
    one = table.bytes
    table.put("/b", _entry(100))
    table.put("/c", _entry(100))
    for _ in range(3):
        table.put("/a", _entry(100))
    assert list(table.entries) == ["/b", "/c", "/a"]
    assert table.bytes == 3 * one
    assert table.evictions == 0


def test_a_table_is_filled_to_its_bounds_exactly():
    """An entry as large as the whole table is kept; entries that fill it exactly all stay."""
    whole = LocalTable(max_entries=10, max_bytes=1_000)
    size = whole.bytes
    whole.put("/x", _entry(0))
    exact = whole.bytes - size  # what one empty entry under a two-letter key counts
    table = LocalTable(max_entries=10, max_bytes=exact + 500)
    table.put("/y", _entry(500))  # exactly the bound
    assert list(table.entries) == ["/y"]
    pair = LocalTable(max_entries=10, max_bytes=2 * (exact + 100))
    pair.put("/1", _entry(100))
    pair.put("/2", _entry(100))  # the two fill it exactly
    assert list(pair.entries) == ["/1", "/2"] and pair.evictions == 0


def test_an_entry_counts_its_headers_toward_the_bytes_bound():
    """The byte bound is on what a process holds: the key, the body and every
    header (a page's security headers are a few kilobytes), never less."""
    headers = [("Content-Security-Policy", "x" * 3000)]
    entry = Entry("g", "200 OK", headers, b"<p>Short</p>")
    held = len("/a") + len(entry.body) + len("Content-Security-Policy") + 3000
    table = LocalTable(max_entries=10, max_bytes=5_000)
    table.put("/a", entry)
    assert table.bytes >= held
    table.put("/b", entry)  # the two do not fit: the older goes
    assert list(table.entries) == ["/b"]
