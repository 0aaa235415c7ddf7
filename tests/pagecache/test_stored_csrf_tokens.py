"""A stored page that carries a CSRF token (a form some Wagtail page shows):
each reader gets the page with a token of their own.

No page of the product's own stores one since the walled copy lost its token
(decision 0014), so the page here is a small WSGI app standing in for such a
page: marked cacheable, its token masked from the request's CSRF secret.
"""

from __future__ import annotations

import re

import pytest
from django.http import HttpResponse
from django.middleware.csrf import _mask_cipher_secret, _unmask_cipher_token

from masthead.pagecache.app import PageCacheApp
from masthead.pagecache.marking import ENVIRON_KEY, WHOLE
from tests.pagecache.test_pagecache import call

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECRET = "Rendered0secret0of0the0first000a"  # 32 characters Django accepts


def form_page(environ, start_response):
    """What Django answers for a page with a form, to a reader with ``SECRET``."""
    environ[ENVIRON_KEY].cacheable = True
    environ["CSRF_COOKIE"] = SECRET
    token = _mask_cipher_secret(SECRET)
    response = HttpResponse(
        f'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        "<button>Send</button></form>"
    )
    headers = [*response.items(), ("Content-Length", str(len(response.content)))]
    headers.append(("Set-Cookie", f"csrftoken={SECRET}; Path=/; SameSite=Lax"))
    start_response("200 OK", headers)
    return response


def glued_token_page(environ, start_response):
    """A page whose token the placeholder cannot find: glued to other letters."""
    environ[ENVIRON_KEY].cacheable = True
    environ["CSRF_COOKIE"] = SECRET
    response = HttpResponse(f'<div data-token="x{_mask_cipher_secret(SECRET)}"></div>')
    headers = [*response.items(), ("Set-Cookie", f"csrftoken={SECRET}; Path=/; SameSite=Lax")]
    start_response("200 OK", headers)
    return response


def test_a_page_that_used_a_token_the_placeholder_missed_is_never_stored(db):
    """Stored as it stands, the first reader's token would reach every reader
    after them, and with it the secret it unmasks to."""
    from django.core.cache import cache

    cache.clear()
    app = PageCacheApp(glued_token_page)
    for _ in range(3):
        call(app, "/glued/")
    assert len(app.local) == 0
    assert app.local.hits == 0


@pytest.fixture
def form_app(db):
    from django.core.cache import cache

    cache.clear()
    app = PageCacheApp(form_page)
    call(app, "/form/")  # starts a generation
    call(app, "/form/")  # rendered and stored
    return app


def test_each_reader_gets_their_own_token_and_one_true_length(form_app):
    secret = "Another0readers0secret0000000000"
    page = call(form_app, "/form/", cookies={"csrftoken": secret})
    assert _unmask_cipher_token(TOKEN.search(page.text)[1]) == secret
    assert "csrftoken" not in page.cookies()  # a reader with a secret keeps it
    lengths = [v for k, v in page.headers if k.lower() == "content-length"]
    assert lengths == [str(len(page.body))]
    assert page.header("ETag") is None  # the body differs per answer


@pytest.mark.parametrize(
    "forged", ["!" * 32, "a" * 31, "a" * 33, None], ids=["wrong-letters", "short", "long", "none"]
)
def test_a_reader_without_a_valid_secret_gets_a_fresh_one(form_app, forged):
    cookies = {"csrftoken": forged} if forged else {}
    page = call(form_app, "/form/", cookies=cookies)
    fresh = page.cookies()["csrftoken"]
    assert fresh not in (forged, SECRET) and len(fresh) == 32
    assert _unmask_cipher_token(TOKEN.search(page.text)[1]) == fresh


def test_another_process_serves_the_stored_form_with_a_token_of_its_own(form_app):
    """The second process takes the page from the shared cache, not from a
    render, and still puts this reader's token in the form."""
    rendered: list[str] = []

    def counted(environ, start_response):
        rendered.append(environ["PATH_INFO"])
        return form_page(environ, start_response)

    other = PageCacheApp(counted)
    secret = "Another0readers0secret0000000000"
    for _ in range(2):  # from the shared cache, then from its own table
        page = call(other, "/form/", cookies={"csrftoken": secret})
        assert _unmask_cipher_token(TOKEN.search(page.text)[1]) == secret
        assert page.text.startswith('<form method="post"><input type="hidden" name=')
        assert page.text.endswith('"><button>Send</button></form>')
    assert rendered == []


@pytest.mark.parametrize(
    ("vary", "stored_vary"),
    [
        (None, "Cookie"),
        ("Accept-Encoding", "Accept-Encoding, Cookie"),
        ("Cookie, Accept-Language", "Cookie, Accept-Language"),
        ("Accept-Language,Cookie", "Accept-Language,Cookie"),
    ],
    ids=["none", "other", "cookie-first", "no-space"],
)
def test_a_metered_copy_varies_on_the_cookie_whatever_else_it_varies_on(db, vary, stored_vary):
    """Django may say it varies on something else only, or on nothing; the
    stored copy of a metered page must still name the cookie (once), or a
    shared cache between the site and the reader could hand one reader's copy
    to another."""
    from django.core.cache import cache

    def metered_page(environ, start_response):
        slot = environ[ENVIRON_KEY]
        slot.cacheable, slot.variant, slot.story_id = True, WHOLE, 7
        response = HttpResponse("<p>The whole story.</p>")
        headers = [*response.items(), *([("Vary", vary)] if vary else [])]
        start_response("200 OK", headers)
        return response

    cache.clear()
    app = PageCacheApp(metered_page)
    call(app, "/story/")
    stored = call(app, "/story/")
    assert "The whole story." in stored.text
    assert [v for k, v in stored.headers if k.lower() == "vary"] == [stored_vary]
    assert stored.header("Cache-Control") == "private, no-cache"
