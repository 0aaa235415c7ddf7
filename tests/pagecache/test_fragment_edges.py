"""Which requests a shared fragment answers from its table and which it hands
to Django, and what the WSGI layer reads from settings (found by mutation
testing, ``python -m tests.mutation pagecache``).

A stand-in for Django answers here, counting its calls: a fragment kept in the
table is an answer Django never saw.
"""

from __future__ import annotations

import sys

import pytest
from django.http import HttpResponse

from masthead.core.generation import generation_start, watch
from masthead.pagecache import local
from masthead.pagecache.app import PageCacheApp
from tests.pagecache.test_pagecache import call

FRAGMENT = "/most-read/fragment/"


class StandIn:
    """Django's place: a keepable answer naming the path and query it was asked."""

    def __init__(self, *, plain_list: bool = False) -> None:
        self.calls = 0
        self.plain_list = plain_list

    def __call__(self, environ, start_response):
        self.calls += 1
        body = f"<ol>{environ['PATH_INFO']}?{environ.get('QUERY_STRING', '')}</ol>"
        response = HttpResponse(b"" if environ["REQUEST_METHOD"] == "HEAD" else body)
        response["Cache-Control"] = "public, max-age=30, s-maxage=30"
        start_response("200 OK", list(response.items()))
        return [response.content] if self.plain_list else response


@pytest.fixture
def fragments_app(db, settings):
    from django.core.cache import cache

    settings.PAGECACHE_SHARED_FRAGMENTS = ["analytics:most-read-fragment"]
    cache.clear()
    django = StandIn()
    app = PageCacheApp(django)
    generation_start()
    return app, django


def test_a_kept_fragment_is_counted_one_miss_then_hits(fragments_app):
    app, django = fragments_app
    for _ in range(3):
        assert call(app, FRAGMENT).text == f"<ol>{FRAGMENT}?</ol>"
    assert django.calls == 1
    assert (app.fragments.misses, app.fragments.hits) == (1, 2)


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_signed_in_reader_or_a_pending_message_always_reaches_django(fragments_app, cookie):
    app, django = fragments_app
    call(app, FRAGMENT)  # kept for everyone else
    for _ in range(2):
        assert call(app, FRAGMENT, cookies={cookie: "x"}).text == f"<ol>{FRAGMENT}?</ol>"
    assert django.calls == 3
    assert app.fragments.hits == 0


def test_another_host_always_reaches_django(fragments_app):
    app, django = fragments_app
    call(app, FRAGMENT)
    call(app, FRAGMENT, HTTP_HOST="alias.example.net")
    call(app, FRAGMENT, HTTP_HOST="alias.example.net")
    assert django.calls == 3


def test_two_query_strings_are_two_fragments(fragments_app):
    app, django = fragments_app
    for _ in range(2):
        assert call(app, FRAGMENT + "?section=1").text == f"<ol>{FRAGMENT}?section=1</ol>"
        assert call(app, FRAGMENT + "?section=2").text == f"<ol>{FRAGMENT}?section=2</ol>"
        assert call(app, FRAGMENT).text == f"<ol>{FRAGMENT}?</ol>"
    assert django.calls == 3
    assert (app.fragments.misses, app.fragments.hits) == (3, 3)


def test_a_server_that_leaves_out_an_empty_query_string_gets_the_same_fragment(
    fragments_app,
):
    """PEP 3333 lets a server leave ``QUERY_STRING`` out when it is empty."""
    app, django = fragments_app
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": FRAGMENT, "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http", "wsgi.input": None,
    }  # fmt: skip
    first = b"".join(app(dict(environ), lambda *args: None))
    second = call(app, FRAGMENT).body  # QUERY_STRING "" this time
    assert first == second
    assert django.calls == 1


def test_a_head_answer_is_not_kept_for_a_get(fragments_app):
    app, django = fragments_app
    assert call(app, FRAGMENT, method="HEAD").body == b""
    assert call(app, FRAGMENT).text == f"<ol>{FRAGMENT}?</ol>"
    assert django.calls == 2


def test_an_answer_that_is_not_a_django_response_is_not_kept(db, settings):
    settings.PAGECACHE_SHARED_FRAGMENTS = ["analytics:most-read-fragment"]
    django = StandIn(plain_list=True)
    app = PageCacheApp(django)
    generation_start()
    for _ in range(2):
        assert call(app, FRAGMENT).text == f"<ol>{FRAGMENT}?</ol>"
    assert django.calls == 2


def test_an_error_answer_reaches_the_server_with_its_exception(fragments_app):
    """Django's error path calls start_response with ``exc_info``; the server
    must get it as it was given (PEP 3333)."""
    app, _ = fragments_app
    try:
        raise ValueError("broken fragment")
    except ValueError:
        exc_info = sys.exc_info()

    def failing(environ, start_response):
        start_response("500 Internal Server Error", [("Content-Type", "text/plain")], exc_info)
        return [b"error"]

    app.app = failing
    got = []
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": FRAGMENT, "QUERY_STRING": "",
        "HTTP_HOST": "testserver", "wsgi.url_scheme": "http",
    }  # fmt: skip
    body = app(environ, lambda *args: got.append(args))
    assert list(body) == [b"error"]
    assert got == [("500 Internal Server Error", [("Content-Type", "text/plain")], exc_info)]


# -- what the WSGI layer reads from settings ------------------------------------


def test_the_table_bounds_come_from_the_settings(settings):
    settings.PAGECACHE_LOCAL_ENTRIES, settings.PAGECACHE_LOCAL_BYTES = 3, 4096
    table = local.LocalTable()
    assert (table.max_entries, table.max_bytes) == (3, 4096)


def test_a_renamed_messages_cookie_still_sends_the_reader_to_django(db, settings):
    settings.MESSAGE_COOKIE_NAME = "notes"
    settings.PAGECACHE_SHARED_FRAGMENTS = ["analytics:most-read-fragment"]
    django = StandIn()
    app = PageCacheApp(django)
    generation_start()
    call(app, FRAGMENT)
    call(app, FRAGMENT, cookies={"notes": "x"})
    assert django.calls == 2


def test_with_https_required_a_plain_http_request_reaches_django(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.PAGECACHE_SHARED_FRAGMENTS = ["analytics:most-read-fragment"]
    django = StandIn()
    app = PageCacheApp(django)
    generation_start()
    call(app, FRAGMENT)
    call(app, FRAGMENT)
    assert django.calls == 2


def test_a_site_url_with_its_default_port_is_the_same_host(db, settings):
    settings.SITE_URL = "https://news.example.org:443"
    settings.ALLOWED_HOSTS = ["news.example.org"]
    settings.PAGECACHE_SHARED_FRAGMENTS = ["analytics:most-read-fragment"]
    django = StandIn()
    app = PageCacheApp(django)
    generation_start()
    for _ in range(2):
        call(app, FRAGMENT, HTTP_HOST="news.example.org", secure=True)
    assert django.calls == 1


def test_each_app_publishes_its_tables_figures_every_few_seconds(db, monkeypatch):
    published = []
    monkeypatch.setattr(local, "stats_publish", published.append)
    app = PageCacheApp(StandIn())
    seconds, callback = watch._periodic["pagecache-stats"]
    assert seconds == local.STATS_EVERY
    callback()
    assert published == [app.local]


def test_an_app_that_writes_through_write_is_told_it_is_not_supported(fragments_app):
    """PEP 3333's legacy ``write()`` would bypass what the page cache keeps: it
    refuses it loudly instead of keeping half an answer."""
    app, _ = fragments_app

    def writer(environ, start_response):
        write = start_response("200 OK", [("Content-Type", "text/html")])
        write(b"<p>written</p>")
        return []

    app.app = writer
    with pytest.raises(RuntimeError, match="does not support the WSGI write"):
        call(app, FRAGMENT)
