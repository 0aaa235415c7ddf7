"""The hit path's cookies are Django's, byte for byte: what it reads from a
Cookie header is what ``parse_cookie`` reads, what it sets is what
``HttpResponse.set_cookie`` writes."""

from __future__ import annotations

import random

import pytest
import time_machine
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.test import RequestFactory

from masthead.core.cookies import cookies_from_wsgi, cookies_parse, set_cookie_value

_PIECES = [
    "mh_meter", "sessionid", "csrftoken", "messages", "a", "", " ", "=", ";", "; ", '"',
    '"quoted"', "\\", "1.7:6765c0aa.T2hPnJjOg-QCVyOD", "x=y", "==", "\t", "é", "<b>", ",",
]  # fmt: skip


def test_a_random_cookie_header_reads_as_django_reads_it():
    rng = random.Random(20261201)
    for _ in range(5000):
        header = "".join(rng.choice(_PIECES) for _ in range(rng.randrange(1, 12)))
        assert cookies_parse(header) == parse_cookie(header), header


_WSGI_PIECES = [
    *_PIECES,
    "\xc2\xa0",
    "\xc2\x85",
    "\xe2\x80\x83",
    "\xff",
    "\xc3\xa9",
    "\xa0",
    "\x85",
    "\xc2",
]  # fmt: skip  (UTF-8 sequences and stray bytes, as WSGI hands them: latin-1)


def test_a_header_as_wsgi_hands_it_over_reads_as_django_reads_the_request():
    """Django re-reads a header's bytes as UTF-8: ``\xc2\xa0sessionid`` is a
    no-break space and a session cookie to it, and must be one to the cache."""
    rng = random.Random(20261202)
    for _ in range(5000):
        header = "".join(rng.choice(_WSGI_PIECES) for _ in range(rng.randrange(1, 12)))
        environ = RequestFactory().get("/").environ
        environ["HTTP_COOKIE"] = header
        assert cookies_from_wsgi(header) == WSGIRequest(environ).COOKIES, repr(header)
    assert "sessionid" in cookies_from_wsgi("\xc2\xa0sessionid=abc; mh_meter=1.x.y")


@pytest.mark.parametrize(
    "header",
    [
        "mh_meter=1.7:6765c0aa.T2hPnJjOg-QCVyOD",
        " mh_meter = v ",
        "mh_meter=a; mh_meter=b",  # the last one wins, as in Django
        "novalue",
        "=",
        "",
        ";;",
        'sessionid="abc"; mh_meter=v',
        "csrftoken=abc; sessionid=; mh_meter=v",
    ],
)
def test_headers_a_reader_sends_read_as_django_reads_them(header):
    assert cookies_parse(header) == parse_cookie(header)


@pytest.mark.parametrize(
    "attributes",
    [
        {"max_age": 2592000, "secure": False, "httponly": True, "samesite": "Lax"},
        {"max_age": 31449600, "secure": True, "httponly": False, "samesite": "Strict"},
        {"max_age": 60, "secure": True, "httponly": True, "samesite": None, "domain": "ex.org"},
        {"max_age": 60, "secure": False, "httponly": False, "samesite": "Lax", "path": "/a/"},
    ],
)
def test_the_set_cookie_header_is_the_one_django_writes(attributes):
    with time_machine.travel("2026-12-01 12:00:00.7", tick=False):
        response = HttpResponse()
        response.set_cookie("mh_meter", "1.7:6765c0aa.T2hPnJjOg-QCVyOD", **attributes)
        django_header = response.cookies.output(header="").strip()
        ours = set_cookie_value("mh_meter", "1.7:6765c0aa.T2hPnJjOg-QCVyOD", **attributes)
    assert ours.strip() == django_header


def test_the_expiry_follows_the_clock_from_one_second_to_the_next():
    """The attributes are written once a second: the next second's are new."""
    kwargs = {"max_age": 60, "secure": False, "httponly": True, "samesite": "Lax"}
    with time_machine.travel("2026-12-01 12:00:00.2", tick=False):
        first = set_cookie_value("c", "v", **kwargs)
        assert set_cookie_value("c", "w", **kwargs) == first.replace("c=v", "c=w")
    with time_machine.travel("2026-12-01 12:00:01.2", tick=False):
        later = set_cookie_value("c", "v", **kwargs)
    assert "expires=Tue, 01 Dec 2026 12:01:00 GMT" in first
    assert "expires=Tue, 01 Dec 2026 12:01:01 GMT" in later
