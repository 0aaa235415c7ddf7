"""The WSGI layer in front of Django that serves cached pages to anonymous readers.

Why in front of Django rather than as middleware: Django's per-site cache
still builds a request, runs every middleware and resolves nothing useful on
a hit; a cached story here is a dict lookup, a look at the generation held in
this process's memory (``core.generation``) and, for a metered story, one
call into the meter (``metering.meter.meter_hit``). No network round trip,
no SQL. That is what lets a story hit cost a fraction of a render.

Which requests take the fast path: GET and HEAD to the site's own host (the
one in ``SITE_URL``), no query string except a numeric ``page``, no session
or messages cookie (signed-in readers, staff and pending flash messages all
go to Django), no ``Authorization`` header, and a path outside the
application areas (admin, API, accounts, mailbox, static, media). Everything
else, and every miss, runs Django unchanged.

What gets stored, under its canonical URL (scheme, path and the query the
page says it reads): a 200 ``text/html`` response that Django code marked
with ``marking.mark_cacheable`` (every Wagtail page through a hook; a story
as its whole or walled copy), without cookies other than CSRF and the one
the page names. 404s are not cached: the key space is unbounded (any URL).

Two copies: each process keeps the entries it served in a bounded table
(``local.py``), the shared cache holds them for the other processes; both
are checked against the current generation on every request, so neither can
serve a page after an edit. The headers stored are the ones Django sent
(security headers included), so a hit carries the same ones.

Shared fragments (``fragments.py``): a few paths fetched after load (Most
Read) are kept per process for the seconds their own ``Cache-Control:
public, s-maxage`` allows, beside the pages and never in the shared cache.

HTTP caching: anonymous pages go out with an ``ETag`` and
``Cache-Control: no-cache`` (browsers and CDNs may keep them but must
revalidate, answered here with a cheap 304), metered stories with
``private, no-cache`` because their body depends on the reader's meter
cookie; a CDN in front of them must pass that cookie through.
"""

from __future__ import annotations

import hashlib
import re
import time
from urllib.parse import urlsplit

from django.conf import settings

from masthead.analytics.hits import pagecache_hit as story_view_record
from masthead.core.cookies import cookies_from_wsgi, set_cookie_value
from masthead.core.generation import generation_current, generation_start, watch
from masthead.metering.meter import meter_hit

from . import fragments, local, store
from .csrf import CSRF_PLACEHOLDER, CSRF_SECRET, csrf_mask, csrf_random_string, placeholder_tokens
from .marking import ENVIRON_KEY, PLAIN, WALLED, WHOLE, Slot
from .store import Entry

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
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


class PageCacheApp:
    """WSGI middleware: cached anonymous pages first, Django for everything else."""

    def __init__(self, app, shared: store.CacheStore | None = None) -> None:
        self.app = app
        self.store = shared or store.store()
        self.local = local.LocalTable()
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
        site = urlsplit(settings.SITE_URL)
        self.site_host = site.netloc.lower().removesuffix(_DEFAULT_PORTS.get(site.scheme, ""))
        self.fragments = fragments.FragmentTable()
        self.fragment_paths = fragments.fragment_paths()
        watch.every("pagecache-stats", local.STATS_EVERY, lambda: local.stats_publish(self.local))

    # -- the request ------------------------------------------------------------

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        path = environ.get("PATH_INFO", "/")
        if path.startswith(BYPASS_PREFIXES) or "HTTP_AUTHORIZATION" in environ:
            return self.app(environ, start_response)
        if "#" in path or "?" in path:
            # Only a percent-encoded %23 or %3F puts these in a path, and a key
            # built from one could name a stored copy ("/story/#whole", a
            # story's whole text past the meter) or another page's query.
            return self.app(environ, start_response)
        if path in self.fragment_paths:
            return self._fragment(environ, start_response, path)
        query = environ.get("QUERY_STRING", "")
        if query:
            match = _PAGE_QUERY.fullmatch(query)
            if match is None:  # a query no page reads: Django, never stored
                return self.app(environ, start_response)
            query = {"page": match[1]}
        raw_cookies = environ.get("HTTP_COOKIE")
        cookies = cookies_from_wsgi(raw_cookies) if raw_cookies else {}
        if self.session_cookie in cookies or self.messages_cookie in cookies:
            return self.app(environ, start_response)
        scheme = self._scheme(environ)
        if scheme is None or not self._own_host(environ, scheme):
            return self.app(environ, start_response)
        url_key = f"{scheme}:{path}?page={query['page']}" if query else f"{scheme}:{path}"

        generation = generation_current()
        if generation is None:
            return self._miss(environ, start_response, url_key, query, None)
        entry = self._entry(url_key, generation)
        if entry is None:
            return self._miss(environ, start_response, url_key, query, generation)
        extra: list[tuple[str, str]] = []
        if entry.story_id is not None:
            story_view_record(environ, entry.story_id, cookies)  # ANALYTICS: buffered, no I/O
            allowed, cookie = meter_hit(cookies, entry.story_id)
            if cookie is not None:
                extra.append(("Set-Cookie", cookie))
            entry = self._entry(f"{url_key}#{WHOLE if allowed else WALLED}", generation)
            if entry is None:  # Django decides the meter again and sets the cookie
                return self._miss(environ, start_response, url_key, query, generation)
        # A hit: answered from this process's memory, no SQL, no network round trip.
        self.local.hits += 1
        return self._hit(environ, start_response, entry, cookies, extra)

    def _scheme(self, environ) -> str | None:
        scheme = environ.get("wsgi.url_scheme", "http")
        if self.proxy_header:
            # As Django reads it: when the proxy's header came, it alone says
            # the scheme, "http" for anything but its https value.
            header, value = self.proxy_header
            sent = environ.get(header)
            if sent is not None:
                scheme = "https" if sent.split(",", 1)[0].strip() == value else "http"
        if self.https_only and scheme != "https":
            return None  # Django answers with its redirect
        return scheme

    def _own_host(self, environ, scheme: str) -> bool:
        """Only the site's own host is cached: any other (a port, an alias) goes to Django."""
        host = environ.get("HTTP_HOST")
        if host is None:  # HTTP/1.0 without Host: what Django's get_host() falls back to
            host = f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}"
        return host.lower().removesuffix(_DEFAULT_PORTS[scheme]) == self.site_host

    def _entry(self, key: str, generation: str) -> Entry | None:
        entry = self.local.get(key)
        if entry is not None and entry.generation == generation:
            return entry
        entry = self.store.entry(key)
        if entry is None or entry.generation != generation:
            return None
        if entry.csrf:
            entry = entry._replace(parts=tuple(entry.body.split(CSRF_PLACEHOLDER)))
        self.local.put(key, entry)
        return entry

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
        if secret is None or len(secret) != 32 or not CSRF_SECRET.fullmatch(secret):
            secret = csrf_random_string()
            value = set_cookie_value(self.csrf_cookie, secret, **self.csrf_cookie_attributes)
            cookie = ("Set-Cookie", value)
        token = csrf_mask(secret).encode()
        parts = entry.parts or entry.body.split(CSRF_PLACEHOLDER)
        return token.join(parts), cookie

    # -- a shared fragment (fragments.py): kept for the seconds it allows ---------

    def _fragment(self, environ, start_response, path: str):
        """From this process's fragment table while fresh; else Django, kept if it allows."""
        raw_cookies = environ.get("HTTP_COOKIE")
        cookies = cookies_from_wsgi(raw_cookies) if raw_cookies else {}
        scheme = self._scheme(environ)
        generation = generation_current()
        if (
            self.session_cookie in cookies
            or self.messages_cookie in cookies
            or scheme is None
            or not self._own_host(environ, scheme)
            or generation is None
        ):
            return self.app(environ, start_response)
        key = f"{scheme}:{path}?{environ.get('QUERY_STRING', '')}"
        now = time.time()
        found = self.fragments.fresh(key, generation, now)
        if found is not None:
            self.fragments.hits += 1
            status, headers, body = fragments.fragment_answer(found, now, environ["REQUEST_METHOD"])
            start_response(status, headers)
            return body
        self.fragments.misses += 1
        captured: list = []

        def capture(status, headers, exc_info=None):
            if exc_info is not None:
                return start_response(status, headers, exc_info)
            captured[:] = [status, headers]
            return _no_write

        result = self.app(environ, capture)
        if not captured:
            return result
        status, headers = captured
        if environ["REQUEST_METHOD"] == "GET" and not getattr(result, "streaming", True):
            fragments.fragment_keep(
                self.fragments, key, generation, status, headers, result.content
            )
        start_response(status, headers)
        return result

    # -- a miss: Django renders, and the result may be stored ------------------

    def _miss(self, environ, start_response, url_key, query, generation: str | None):
        self.local.misses += 1
        slot = Slot()
        environ[ENVIRON_KEY] = slot
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
        if (
            slot.cacheable
            and slot.query == (query or {})
            and status.startswith("200")
            and not getattr(result, "streaming", True)
        ):
            headers = self._store(
                environ, url_key, generation, slot, status, headers, result.content
            )
        start_response(status, headers)
        return result

    def _store(self, environ, url_key, generation, slot: Slot, status, headers, body: bytes):
        """Keep the response if it may be shared; return the headers to send."""
        if generation is None:
            # No generation to tag this render with: start one, store next time.
            generation_start()
            return headers
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        if not content_type.startswith("text/html"):
            return headers
        kept_cookies = {self.csrf_cookie, slot.reader_cookie}
        sets_csrf = False
        for name, value in headers:
            if name.lower() == "set-cookie":
                cookie = value.strip().split("=", 1)[0]
                if cookie not in kept_cookies:
                    return headers  # a per-reader cookie (session, message): not shareable
                sets_csrf = sets_csrf or cookie == self.csrf_cookie
        metered = slot.variant != PLAIN
        body, csrf = placeholder_tokens(body, environ.get("CSRF_COOKIE"))
        if sets_csrf and not csrf:
            # Django sets the CSRF cookie when a render used the reader's token
            # (or replaced a malformed cookie): a token the placeholder did not
            # find (one glued to other letters) would be shared with everyone.
            return headers
        shared = [(k, v) for k, v in headers if k.lower() not in _NOT_SHARED]
        shared.append(("Cache-Control", "private, no-cache" if metered else "no-cache"))
        if metered:
            shared = _vary_on_cookie(shared)
        if not csrf:
            shared.append(("ETag", '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'))
        if metered:
            router = Entry(generation, status, [], b"", story_id=slot.story_id)
            self.store.put_entry(url_key, router)
            self.local.put(url_key, router)
            url_key = f"{url_key}#{slot.variant}"
        entry = Entry(generation, status, shared, body, csrf=csrf)
        self.store.put_entry(url_key, entry)
        if csrf:
            entry = entry._replace(parts=tuple(body.split(CSRF_PLACEHOLDER)))
        self.local.put(url_key, entry)
        cookies = [(k, v) for k, v in headers if k.lower() == "set-cookie"]
        return shared + cookies


_NOT_SHARED = {"set-cookie", "etag", "cache-control"}
_304_HEADERS = {"ETag", "Cache-Control", "Vary", "Content-Location", "Date", "Expires"}


def _vary_on_cookie(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers with ``Cookie`` in ``Vary``: a metered copy depends on the
    reader's meter cookie, whatever else Django said it varies on."""
    for n, (name, value) in enumerate(headers):
        if name.lower() == "vary":
            if "cookie" in (v.strip().lower() for v in value.split(",")):
                return headers
            return [*headers[:n], (name, f"{value}, Cookie"), *headers[n + 1 :]]
    return [*headers, ("Vary", "Cookie")]


def _no_write(data: bytes) -> None:
    raise RuntimeError("the page cache does not support the WSGI write() callable")


def _etag_matches(headers, if_none_match: str) -> bool:
    for name, value in headers:
        if name == "ETag":
            return if_none_match.strip() == "*" or value in if_none_match
    return False
