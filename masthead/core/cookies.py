"""Cookies on the page cache's hit path, without building a request or a response.

The page cache answers hits outside Django and still reads cookies (the
session's, to step aside; the meter's; a CSRF secret) and sets them (the
meter, a CSRF secret). What it reads must be what Django's ``parse_cookie``
reads, and what it sets the header ``HttpResponse.set_cookie`` writes,
attribute for attribute; both are here in fewer steps, since every cached
story hit pays for them (tests compare them with Django's).
"""

from __future__ import annotations

import time

from django.http.cookie import parse_cookie
from django.utils.http import http_date


def cookies_parse(header: str) -> dict[str, str]:
    """``django.http.cookie.parse_cookie(header)``, the same dict.

    Django unquotes each value through ``http.cookies._unquote``, which leaves
    a value without a double quote as it is; a header without one (nearly
    every header: none of our cookies is quoted) is split here without that
    call per cookie, and any other goes to Django.
    """
    if '"' in header:
        return parse_cookie(header)
    if ";" not in header:  # one cookie (an anonymous reader's meter): no split, no loop
        key, sep, value = header.partition("=")
        if not sep:
            key, value = "", key
        key, value = key.strip(), value.strip()
        return {key: value} if key or value else {}
    cookies: dict[str, str] = {}
    for chunk in header.split(";"):
        key, sep, value = chunk.partition("=")
        if not sep:
            key, value = "", key
        key, value = key.strip(), value.strip()
        if key or value:
            cookies[key] = value
    return cookies


def cookies_from_wsgi(header: str) -> dict[str, str]:
    """The Cookie header as a WSGI server hands it over, read as Django reads it.

    WSGI passes a header's bytes as a latin-1 string; Django reads them again
    as UTF-8 (invalid sequences replaced) before parsing. A header that is
    ASCII reads the same either way; another one, read as latin-1, could hide
    a cookie Django sees (``\xc2\xa0sessionid``: a session to Django, none to
    a latin-1 reading) or show the meter a different value.
    """
    if not header.isascii():
        header = header.encode("iso-8859-1", "replace").decode(errors="replace")
    return cookies_parse(header)


def set_cookie_value(
    name: str, value: str, *, max_age: int, secure: bool, httponly: bool,
    samesite: str | None, path: str = "/", domain: str | None = None,
) -> str:  # fmt: skip
    """What follows ``Set-Cookie:`` for this cookie.

    Written out rather than built with ``SimpleCookie`` (five times slower),
    which is safe for values that need no quoting: both callers (the meter's
    and a CSRF secret) use only characters that need none. The attributes
    after the value change once a second at most (``expires``), so they are
    written once a second per set of arguments.
    """
    second = int(time.time())
    tails_second, tails = _tails[0]
    if tails_second != second:
        # A new table, swapped in whole: a thread still in the last second
        # writes into the old one, never an old expiry into the new.
        tails = {}
        _tails[0] = (second, tails)
    key = (max_age, secure, httponly, samesite, path, domain)
    tail = tails.get(key)
    if tail is None:
        tail = tails[key] = _attributes(second, *key)
    return f" {name}={value}; {tail}"


_tails: list[tuple[int, dict[tuple, str]]] = [(0, {})]  # (the second, its attributes)


def _attributes(
    second: int, max_age: int, secure: bool, httponly: bool, samesite: str | None, path: str,
    domain: str | None,
) -> str:  # fmt: skip
    """The attributes in the order ``HttpResponse.set_cookie`` writes them."""
    parts = []
    if domain:
        parts.append(f"Domain={domain}")
    parts.append(f"expires={http_date(second + max_age)}")
    if httponly:
        parts.append("HttpOnly")
    parts.append(f"Max-Age={max_age}")
    parts.append(f"Path={path}")
    if samesite:
        parts.append(f"SameSite={samesite}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)
