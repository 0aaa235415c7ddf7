"""Whether a POST came from one of the site's own pages.

The newsletter and series boxes sit on pages the page cache shares, and a CSRF
token there would make every story hit re-mask a token, drop its ETag and set
a cookie for every new reader. Their endpoints take no token instead, and
answer a cross-site POST as they answer an anonymous one (double opt-in: an
email the address's owner must confirm), so a forged POST can do nothing a
stranger typing the address could not. Only a same-origin POST may act for
the signed-in reader, decided from what browsers send on every POST.

The wall's form sits on walled copies the page cache shares too, for the same
reason without a token: its endpoint accepts a POST that is same-origin or
carries a valid token (``post_from_own_page``) and shows any other the form
again, with a token (decision 0014).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def request_same_origin(request: HttpRequest) -> bool:
    """True when the browser says the POST came from this site: ``Sec-Fetch-Site:
    same-origin``, else an ``Origin`` (or, failing that, ``Referer``) equal to the
    site's own address or the one the request was made to."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    claimed = _origin_of(request.headers.get("Origin") or request.headers.get("Referer") or "")
    if not claimed:
        return False
    own = {_origin_of(settings.SITE_URL), f"{request.scheme}://{request.get_host()}".lower()}
    return claimed in own


_CSRF = CsrfViewMiddleware(lambda request: None)


def csrf_token_valid(request: HttpRequest) -> bool:
    """Django's own CSRF check (Origin, then Referer on HTTPS, then the token),
    for a view exempt from the middleware that still accepts a token."""
    return _CSRF.process_view(request, None, (), {}) is None


def post_from_own_page(request: HttpRequest) -> bool:
    """True when a POST shows it came from one of the site's own pages: the
    browser says so (``request_same_origin``), or it carries a valid CSRF token.

    For forms on shared cached pages that only act on what the POST itself
    carries (the wall: an address and an agreement, no session acted on). A
    token in the shared copy would make every walled hit re-mask a token and
    drop its ETag; every browser of the last years sends ``Sec-Fetch-Site`` or
    ``Origin`` on a form POST, and the rare one that sends neither gets the form
    back with a token (``core.errors.NotFromOwnPage``).
    """
    return request_same_origin(request) or csrf_token_valid(request)
