"""A Set-Cookie header value without building an ``HttpResponse``.

The page cache answers hits outside Django and still sets cookies (the meter,
a CSRF secret); these must be the headers ``HttpResponse.set_cookie`` writes,
attribute for attribute.
"""

from __future__ import annotations

import time

from django.utils.http import http_date


def set_cookie_value(
    name: str, value: str, *, max_age: int, secure: bool, httponly: bool,
    samesite: str | None, path: str = "/", domain: str | None = None,
) -> str:  # fmt: skip
    """What follows ``Set-Cookie:`` for this cookie.

    Written out rather than built with ``SimpleCookie`` (five times slower),
    which is safe for values that need no quoting: both callers (the meter's
    and a CSRF secret) use only characters that need none.
    """
    parts = [f" {name}={value}"]
    if domain:
        parts.append(f"Domain={domain}")
    parts.append(f"expires={_expires(max_age)}")
    if httponly:
        parts.append("HttpOnly")
    parts.append(f"Max-Age={max_age}")
    parts.append(f"Path={path}")
    if samesite:
        parts.append(f"SameSite={samesite}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


_expires_cache: dict[tuple[int, int], str] = {}


def _expires(max_age: int) -> str:
    """``http_date(now + max_age)``, computed once a second."""
    key = (int(time.time()), max_age)
    found = _expires_cache.get(key)
    if found is None:
        _expires_cache.clear()
        found = _expires_cache[key] = http_date(key[0] + max_age)
    return found
