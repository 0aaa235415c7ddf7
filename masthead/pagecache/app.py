"""The WSGI layer in front of Django that serves cached pages to anonymous readers.

Why in front of Django rather than as middleware: Django's per-site cache
still builds a request, runs every middleware and resolves nothing useful on
a hit; a cached story here is a dict lookup, one small read of the shared
state (``pagecache.State``) and, for a metered story, the meter's cookie
arithmetic. That is what lets a story hit cost a fraction of a render.

Which requests take the fast path: GET and HEAD, no query string except a
numeric ``page``, no session or messages cookie (signed-in readers, staff and
pending flash messages all go to Django), no ``Authorization`` header, and a
path outside the application areas (admin, API, accounts, mailbox, static,
media). Everything else, and every miss, runs Django unchanged.

What gets stored: a 200 ``text/html`` response that Django code marked with
``pagecache.mark_cacheable`` (every Wagtail page through a hook; reader views
through ``@cacheable``), without cookies other than the meter and CSRF ones.
404s are not cached: the key space is unbounded (any URL), so caching them
would let anyone fill the cache, and they are rare on real traffic.

Two copies: each process keeps the entries it served in a small in-process
table (no unpickling, no transfer of the body), the shared cache holds them
for the other processes; both are checked against the shared generation on
every request, so neither can serve a page after an edit.

HTTP caching: anonymous pages go out with an ``ETag`` and
``Cache-Control: no-cache`` (browsers and CDNs may keep them but must
revalidate, answered here with a cheap 304), metered stories with
``private, no-cache`` because their body depends on the reader's meter
cookie; a CDN in front of them must pass that cookie through.
"""

from __future__ import annotations

import hashlib
import os
import re
import time

from django.conf import settings
from django.http.cookie import parse_cookie
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.utils.http import http_date

from masthead.analytics.hits import pagecache_hit as story_view_record

from . import store as pagecache
from .store import CSRF_PLACEHOLDER, PLAIN, WALLED, WHOLE, Entry, Slot, State

BYPASS_PREFIXES = (
    "/admin/",
    "/api/",
    "/accounts/",
    "/account/",
    "/mailbox/",
    "/static/",
    "/media/",
    "/documents/",
    "/django-admin/",
)
_PAGE_QUERY = re.compile(r"page=([1-9][0-9]{0,5})")
_TOKEN = re.compile(rb"[A-Za-z0-9]{64}")
LOCAL_MAX_ENTRIES = 512


def _cookie_header(
    name: str, value: str, *, max_age: int, secure: bool, httponly: bool,
    samesite: str | None, path: str = "/", domain: str | None = None,
) -> tuple[str, str]:  # fmt: skip
    """The Set-Cookie header ``HttpResponse.set_cookie`` writes, attribute for attribute.

    Written out rather than built with ``SimpleCookie`` (five times slower),
    which is safe because both values set here (the meter's and a CSRF
    secret) use only characters that need no quoting.
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
    return "Set-Cookie", "; ".join(parts)


_expires_cache: dict[tuple[int, int], str] = {}


def _expires(max_age: int) -> str:
    """``http_date(now + max_age)``, computed once a second."""
    key = (int(time.time()), max_age)
    found = _expires_cache.get(key)
    if found is None:
        _expires_cache.clear()
        found = _expires_cache[key] = http_date(key[0] + max_age)
    return found


_CSRF_CHARS = CSRF_ALLOWED_CHARS
_CSRF_N = len(_CSRF_CHARS)  # 62
_CSRF_SECRET = re.compile(f"[{re.escape(_CSRF_CHARS)}]{{32}}")  # a cookie Django would accept
# Random bytes at or above this are dropped, so that ``byte % 62`` is uniform.
_CSRF_UNBIASED = 256 - 256 % _CSRF_N
_DROP = 0xFF
# ``bytes.translate`` tables: random byte -> alphabet index (or _DROP);
# index -> character; character -> index; and index sum (0..122) -> the
# character of ``sum % 62``.
_RANDOM_TO_INDEX = bytes(b % _CSRF_N if b < _CSRF_UNBIASED else _DROP for b in range(256))
_INDEX_TO_CHAR = bytes(ord(_CSRF_CHARS[i % _CSRF_N]) for i in range(256))
_CHAR_TO_INDEX = bytes(
    _CSRF_CHARS.index(chr(b)) if chr(b) in _CSRF_CHARS else 0 for b in range(256)
)


def _csrf_indices(length: int) -> bytes:
    """``length`` uniform alphabet indices from one ``os.urandom`` call (rarely two)."""
    drawn = b""
    while len(drawn) < length:
        drawn += os.urandom(length + 16).translate(_RANDOM_TO_INDEX).replace(b"\xff", b"")
    return drawn[:length]


def csrf_random_string(length: int = 32) -> str:
    """What Django's ``_get_new_csrf_string`` returns, from one ``os.urandom`` call.

    Django draws each character with ``secrets.choice``, a system call per
    character; on a walled page served from the cache that was most of the
    cost of a hit. Same alphabet, uniform: bytes that would bias the draw
    are dropped, not folded.
    """
    return _csrf_indices(length).translate(_INDEX_TO_CHAR).decode()


def csrf_mask(secret: str) -> str:
    """Django's ``_mask_cipher_secret``: a fresh random mask per response (against
    BREACH), then each secret character shifted by the mask's, modulo 62.

    The shift is done for all 32 characters at once: as alphabet indices
    (0..61) packed into one integer each, mask and secret add without a carry
    between bytes (61 + 61 < 256), and a table turns each byte of the sum into
    its character. A character loop cost several times more on every walled hit.
    """
    length = len(secret)
    mask = _csrf_indices(length)
    secret_indices = secret.encode().translate(_CHAR_TO_INDEX)
    total = int.from_bytes(secret_indices, "big") + int.from_bytes(mask, "big")
    cipher = total.to_bytes(length, "big").translate(_INDEX_TO_CHAR)
    return (mask.translate(_INDEX_TO_CHAR) + cipher).decode()


class PageCacheApp:
    """WSGI middleware: cached anonymous pages first, Django for everything else."""

    def __init__(self, app, store: pagecache.CacheStore | None = None) -> None:
        self.app = app
        self.store = store or pagecache.store()
        self.local: dict[str, Entry] = {}
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.messages_cookie = getattr(settings, "MESSAGE_COOKIE_NAME", "messages")
        self.csrf_cookie = settings.CSRF_COOKIE_NAME
        self.csrf_cookie_attributes = {
            "max_age": settings.CSRF_COOKIE_AGE,
            "domain": settings.CSRF_COOKIE_DOMAIN,
            "path": settings.CSRF_COOKIE_PATH,
            "secure": settings.CSRF_COOKIE_SECURE,
            "httponly": settings.CSRF_COOKIE_HTTPONLY,
            "samesite": settings.CSRF_COOKIE_SAMESITE,
        }
        self.https_only = settings.SECURE_SSL_REDIRECT
        self.proxy_header = settings.SECURE_PROXY_SSL_HEADER
        self.secure_cookies = settings.SITE_URL.startswith("https://")
        self.meter = _load_meter()

    # -- the request ------------------------------------------------------------

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        path = environ.get("PATH_INFO", "/")
        if path.startswith(BYPASS_PREFIXES) or "HTTP_AUTHORIZATION" in environ:
            return self.app(environ, start_response)
        query = environ.get("QUERY_STRING", "")
        if query:
            match = _PAGE_QUERY.fullmatch(query)
            if match is None:
                return self.app(environ, start_response)
            path = f"{path}?page={match[1]}"
        raw_cookies = environ.get("HTTP_COOKIE")
        cookies = parse_cookie(raw_cookies) if raw_cookies else {}
        if self.session_cookie in cookies or self.messages_cookie in cookies:
            return self.app(environ, start_response)
        scheme = self._scheme(environ)
        if scheme is None:
            return self.app(environ, start_response)
        url_key = f"{scheme}://{environ.get('HTTP_HOST', '').lower()}{path}"

        state = self.store.state()
        if state is None:
            return self._miss(environ, start_response, url_key, None)
        entry = self._entry(url_key, state.generation)
        if entry is None:
            return self._miss(environ, start_response, url_key, state)
        extra: list[tuple[str, str]] = []
        if entry.story_id is not None:
            story_view_record(environ, entry.story_id, cookies)  # ANALYTICS: buffered, no I/O
            variant, cookie = self._meter(entry.story_id, cookies, state)
            if cookie is not None:
                extra.append(cookie)
            entry = self._entry(f"{url_key}#{variant}", state.generation)
            if entry is None:  # Django decides the meter again and sets the cookie
                return self._miss(environ, start_response, url_key, state)
        return self._hit(environ, start_response, entry, cookies, extra)

    def _scheme(self, environ) -> str | None:
        scheme = environ.get("wsgi.url_scheme", "http")
        if self.proxy_header:
            header, value = self.proxy_header
            if environ.get(header, "").split(",")[0].strip() == value:
                scheme = "https"
        if self.https_only and scheme != "https":
            return None  # Django answers with its redirect
        return scheme

    def _entry(self, key: str, generation: str) -> Entry | None:
        entry = self.local.get(key)
        if entry is not None and entry.generation == generation:
            return entry
        entry = self.store.entry(key)
        if entry is None or entry.generation != generation:
            return None
        if len(self.local) >= LOCAL_MAX_ENTRIES:
            self.local.clear()  # cheap and rare; the shared copy refills it
        if entry.csrf:
            entry = entry._replace(parts=tuple(entry.body.split(CSRF_PLACEHOLDER)))
        self.local[key] = entry
        return entry

    def _meter(self, story_id: int, cookies: dict, state: State):
        """(variant, Set-Cookie header or None) for an anonymous reader of a story."""
        if self.meter is None:
            return WHOLE, None
        meter_decide, policy_class, cookie_name = self.meter
        policy = policy_class(allowance=state.allowance, period_days=state.period_days)
        allowed, value = meter_decide(cookies.get(cookie_name), story_id, policy=policy)
        cookie = None
        if value is not None:
            cookie = _cookie_header(
                cookie_name, value, max_age=policy.period_days * 86400,
                secure=self.secure_cookies, httponly=True, samesite="Lax",
            )  # fmt: skip
        return (WHOLE if allowed else WALLED), cookie

    def _hit(self, environ, start_response, entry: Entry, cookies, extra):
        headers = entry.headers
        body = entry.body
        if entry.csrf:
            body, cookie = self._csrf(entry, cookies)
            headers = [h for h in headers if h[0] != "Content-Length"]
            headers.append(("Content-Length", str(len(body))))
            if cookie is not None:
                extra.append(cookie)
        elif (match := environ.get("HTTP_IF_NONE_MATCH")) and _etag_matches(headers, match):
            start_response("304 Not Modified", [h for h in headers if h[0] in _304_HEADERS] + extra)
            return []
        if extra:
            headers = headers + extra
        start_response(entry.status, headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _csrf(self, entry: Entry, cookies: dict):
        """The body with a fresh masked token for this reader in place of the placeholder."""
        secret = cookies.get(self.csrf_cookie)
        cookie = None
        if secret is None or len(secret) != 32 or not _CSRF_SECRET.fullmatch(secret):
            secret = csrf_random_string()
            cookie = _cookie_header(self.csrf_cookie, secret, **self.csrf_cookie_attributes)
        token = csrf_mask(secret).encode()
        parts = entry.parts or entry.body.split(CSRF_PLACEHOLDER)
        return token.join(parts), cookie

    # -- a miss: Django renders, and the result may be stored ------------------

    def _miss(self, environ, start_response, url_key, state: State | None):
        slot = Slot()
        environ[pagecache.ENVIRON_KEY] = slot
        captured: list = []

        def capture(status, headers, exc_info=None):
            if exc_info is not None:
                return start_response(status, headers, exc_info)
            captured[:] = [status, headers]
            return _no_write

        result = self.app(environ, capture)
        if not captured:  # the app already answered (error path)
            return result
        status, headers = captured
        if slot.cacheable and status.startswith("200") and not getattr(result, "streaming", True):
            headers = self._store(environ, url_key, state, slot, status, headers, result.content)
        start_response(status, headers)
        return result

    def _store(self, environ, url_key, state, slot, status, headers, body: bytes):
        """Keep the response if it may be shared; return the headers to send."""
        if state is None:
            # No generation to tag this render with: start one, store next time.
            self.store.add_state(State(pagecache.new_generation(), *pagecache.current_policy()))
            return headers
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        if not content_type.startswith("text/html"):
            return headers
        kept_cookies = {self.csrf_cookie, self.meter[2] if self.meter else None}
        for name, value in headers:
            if name.lower() == "set-cookie" and value.strip().split("=", 1)[0] not in kept_cookies:
                return headers  # a per-reader cookie (session, message): not shareable
        variant, metered = self._variant(slot)
        if variant is None:
            return headers
        body, csrf = _placeholder_tokens(body, environ.get("CSRF_COOKIE"))
        shared = [(k, v) for k, v in headers if k.lower() not in ("set-cookie", "etag")]
        shared = [(k, v) for k, v in shared if k.lower() != "cache-control"]
        shared.append(("Cache-Control", "private, no-cache" if metered else "no-cache"))
        if metered and not any(k.lower() == "vary" for k, _ in shared):
            shared.append(("Vary", "Cookie"))
        if not csrf:
            shared.append(("ETag", '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'))
        generation = state.generation
        if metered:
            router = Entry(generation, status, [], b"", story_id=slot.story_id)
            self.store.put_entry(url_key, router)
            self.local[url_key] = router
            url_key = f"{url_key}#{variant}"
        entry = Entry(generation, status, shared, body, csrf=csrf)
        self.store.put_entry(url_key, entry)
        self.local[url_key] = entry
        cookies = [(k, v) for k, v in headers if k.lower() == "set-cookie"]
        return shared + cookies

    def _variant(self, slot: Slot) -> tuple[str | None, bool]:
        """Which variant this render is, and whether the URL is metered."""
        if slot.story_id is None:
            return PLAIN, False
        access = getattr(slot.request, "story_access", None)
        if access is None:
            return (PLAIN, False) if self.meter is None else (None, False)
        if getattr(access, "reason", "") != "metered":
            return None, False  # staff, subscribers, previews: not for anonymous readers
        return (WALLED if access.walled else WHOLE), True


_304_HEADERS = {"ETag", "Cache-Control", "Vary", "Content-Location", "Date", "Expires"}


def _no_write(data: bytes) -> None:
    raise RuntimeError("the page cache does not support the WSGI write() callable")


def _etag_matches(headers, if_none_match: str) -> bool:
    for name, value in headers:
        if name == "ETag":
            return if_none_match.strip() == "*" or value in if_none_match
    return False


def _placeholder_tokens(body: bytes, secret: str | None) -> tuple[bytes, bool]:
    """Replace this render's masked CSRF tokens with a placeholder (reader-neutral body)."""
    if not secret:
        return body, False
    from django.middleware.csrf import _unmask_cipher_token

    found = False

    def swap(match):
        nonlocal found
        if _unmask_cipher_token(match[0].decode()) == secret:
            found = True
            return CSRF_PLACEHOLDER
        return match[0]

    return _TOKEN.sub(swap, body), found


def _load_meter():
    """The metering functions, or None when the metering app is not installed."""
    try:
        from masthead.metering.meter import METER_COOKIE, MeterPolicy, meter_decide
    except ImportError:
        return None
    return meter_decide, MeterPolicy, METER_COOKIE
