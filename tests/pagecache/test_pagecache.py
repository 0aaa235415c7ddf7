"""The anonymous page cache, driven through the WSGI application as a server would."""

from __future__ import annotations

import re

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from masthead.core import generation as generations
from masthead.pagecache.app import PageCacheApp
from masthead.pagecache.csrf import CSRF_PLACEHOLDER, placeholder_tokens
from tests.content.factories import AuthorFactory, publish_story


class Response:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status_code = int(status.split()[0])
        self.headers = headers
        self.body = body
        self.text = body.decode()

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def cookies(self) -> dict[str, str]:
        found = {}
        for name, value in self.headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.strip().partition("=")
                found[key] = rest.split(";")[0]
        return found


def call(app, path: str, *, method: str = "GET", cookies: dict | None = None, **headers):
    """One request through ``app`` the way granian calls it."""
    if cookies:
        headers["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    environ = RequestFactory().generic(method, path, **headers).environ
    got: list = []
    # As django.test.Client does: keep the test's transaction open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = app(environ, lambda status, hdrs, exc_info=None: got.extend([status, hdrs]))
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return Response(got[0], list(got[1]), body)


def warm(app, path: str) -> Response:
    """Two requests: the first starts a generation, the second renders and stores."""
    call(app, path)
    return call(app, path)


def test_hit_runs_no_query_and_returns_the_stored_bytes_and_headers(
    app, story, unmetered, django_assert_num_queries
):
    miss = warm(app, story.url)
    assert miss.status_code == 200
    with django_assert_num_queries(0):
        hit = call(app, story.url)
    assert hit.body == miss.body
    assert "Harbour reopens after storm" in hit.text
    shared = [h for h in miss.headers if h[0].lower() != "set-cookie"]
    assert [h for h in hit.headers if h[0].lower() != "set-cookie"] == shared
    assert hit.header("Content-Length") == str(len(hit.body))
    assert hit.header("X-Content-Type-Options") == "nosniff"
    assert hit.header("Content-Type").startswith("text/html")


def test_home_page_is_cached_with_an_etag_and_revalidates(app, story, django_assert_num_queries):
    home = warm(app, "/")
    assert home.status_code == 200
    assert home.header("Cache-Control") == "no-cache"
    with django_assert_num_queries(0):
        again = call(app, "/", HTTP_IF_NONE_MATCH=home.header("ETag"))
    assert again.status_code == 304
    assert again.body == b""
    # The validators again, and nothing that describes a body it does not send.
    assert re.fullmatch(r'"[0-9a-f]{24}"', again.header("ETag"))  # a strong entity tag
    assert again.header("ETag") == home.header("ETag")
    assert again.header("Cache-Control") == "no-cache"
    assert again.header("Content-Length") is None and again.header("Content-Type") is None
    assert call(app, "/", HTTP_IF_NONE_MATCH="*").status_code == 304  # any version will do


def test_head_sends_headers_without_a_body(app, story, unmetered, django_assert_num_queries):
    full = warm(app, story.url)
    with django_assert_num_queries(0):
        head = call(app, story.url, method="HEAD")
    assert head.status_code == 200
    assert head.body == b""
    assert head.header("Content-Length") == str(len(full.body))


def test_a_server_may_leave_out_what_is_empty(app, home, django_assert_num_queries):
    """PEP 3333 lets a server omit ``PATH_INFO`` and ``QUERY_STRING`` when empty
    (the root of the site, no query), and a first visit has no ``Cookie``
    header at all: such a request is the home page, cached."""
    stored = warm(app, "/")
    environ = RequestFactory().get("/").environ
    del environ["PATH_INFO"], environ["QUERY_STRING"], environ["HTTP_COOKIE"]
    got: list = []
    with django_assert_num_queries(0):
        body = b"".join(app(environ, lambda status, headers, exc_info=None: got.append(status)))
    assert got == ["200 OK"]
    assert body == stored.body


def test_head_for_a_kept_fragment_sends_its_headers_without_a_body(
    app, story, django_assert_num_queries
):
    """A shared fragment (Most Read) answers HEAD from the fragment table as GET
    would, its ``Age`` included, without the body."""
    call(app, "/")  # starts a generation
    got = call(app, "/most-read/fragment/")  # rendered by Django and kept
    assert got.status_code == 200 and got.body
    with django_assert_num_queries(0):
        head = call(app, "/most-read/fragment/", method="HEAD")
    assert head.status_code == 200
    assert head.body == b""
    assert head.header("Age") is not None
    assert head.header("Content-Type") == got.header("Content-Type")


def _queries(app, path, **kwargs) -> tuple[Response, int]:
    with CaptureQueriesContext(connection) as queries:
        response = call(app, path, **kwargs)
    return response, len(queries)


def test_signed_in_readers_and_posts_go_to_django(app, story, unmetered):
    warm(app, story.url)
    _, count = _queries(app, story.url, cookies={"sessionid": "abc"})
    assert count > 0
    _, count = _queries(app, story.url, cookies={"messages": "x"})
    assert count > 0
    response, count = _queries(app, story.url, method="POST")
    assert count > 0  # Django's CSRF check answers it
    assert response.status_code == 403
    _, count = _queries(app, story.url + "?utm_source=x")
    assert count > 0
    _, count = _queries(app, story.url, HTTP_AUTHORIZATION="Basic cmVhZGVyOnNlY3JldA==")
    assert count > 0  # a request with credentials: Django decides


def test_admin_is_never_served_from_the_cache(app, story):
    call(app, "/admin/login/")
    _, count = _queries(app, "/admin/login/")
    assert count > 0


def test_not_found_is_not_cached(app, home):
    warm(app, "/no-such-page/")
    response, count = _queries(app, "/no-such-page/")
    assert response.status_code == 404
    assert count > 0


def test_publishing_an_edit_shows_at_once(
    app, story, unmetered, django_capture_on_commit_callbacks
):
    warm(app, story.url)
    with django_capture_on_commit_callbacks(execute=True):
        story.title = "Harbour stays shut"
        story.save_revision().publish()
    response = call(app, story.url)
    assert "Harbour stays shut" in response.text
    assert "Harbour reopens after storm" not in response.text


def test_unpublishing_gives_404(app, story, unmetered, django_capture_on_commit_callbacks):
    warm(app, story.url)
    with django_capture_on_commit_callbacks(execute=True):
        story.unpublish()
    assert call(app, story.url).status_code == 404


def test_an_authors_new_name_shows_on_cached_pages(
    app, section, unmetered, django_capture_on_commit_callbacks
):
    author = AuthorFactory(name="Ada Reporter")
    story = publish_story(section, title="Tides", authors=[author])
    assert "Ada Reporter" in warm(app, story.url).text
    with django_capture_on_commit_callbacks(execute=True):
        author.name = "Ada Correspondent"
        author.save()
    assert "Ada Correspondent" in call(app, story.url).text


def test_a_new_story_shows_on_the_cached_home_page(
    app, section, story, django_capture_on_commit_callbacks
):
    warm(app, "/")
    with django_capture_on_commit_callbacks(execute=True):
        publish_story(section, title="Bridge vote tonight")
    assert "Bridge vote tonight" in call(app, "/").text


def test_an_edit_invalidates_every_process(
    app, story, unmetered, django_capture_on_commit_callbacks
):
    """A second process (its own in-process table) sees the new generation too."""
    from django.core.wsgi import get_wsgi_application

    other = PageCacheApp(get_wsgi_application())
    warm(app, story.url)
    call(other, story.url)
    with django_capture_on_commit_callbacks(execute=True):
        story.title = "Harbour stays shut"
        story.save_revision().publish()
    assert "Harbour stays shut" in call(other, story.url).text


def test_a_garbled_generation_record_reads_as_none(db):
    cache.set(generations.STATE_KEY, "garbage")
    assert generations._Record().read() is None


def test_csrf_tokens_become_a_placeholder():
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    other = _mask_cipher_secret(_get_new_csrf_string())
    token = _mask_cipher_secret(secret)
    body = f'<input name="csrfmiddlewaretoken" value="{token}"><i>{other}</i>'.encode()
    stored, found = placeholder_tokens(body, secret)
    assert found
    assert token.encode() not in stored
    assert other.encode() in stored  # not this reader's token: left alone
    assert CSRF_PLACEHOLDER in stored


def test_fast_csrf_tokens_are_what_django_accepts():
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, _check_token_format, _unmask_cipher_token

    from masthead.pagecache.csrf import csrf_mask, csrf_random_string

    secrets_seen = {csrf_random_string() for _ in range(200)}
    assert len(secrets_seen) == 200
    for secret in secrets_seen:
        assert len(secret) == 32 and set(secret) <= set(CSRF_ALLOWED_CHARS)
        _check_token_format(secret)
        token = csrf_mask(secret)
        _check_token_format(token)
        assert len(token) == 64 and _unmask_cipher_token(token) == secret
    assert len({csrf_mask(secret) for _ in range(50)}) == 50  # a new mask every time
