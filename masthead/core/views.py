"""Styled error pages: a reader who hits a wrong link still sees the newspaper."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import loader


def _error(request: HttpRequest, template: str, status: int, message: str = "") -> HttpResponse:
    try:
        body = loader.render_to_string(template, {"message": message}, request)
    except Exception:  # the error page itself must never fail
        body = f"<h1>Error {status}</h1>"
    return HttpResponse(body, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "404.html", 404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    return _error(request, "400.html", 400, message)


# Written out, not a template: the page for when anything, the template
# engine or the installed package's files included, is what failed.
SERVER_ERROR_FALLBACK = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Something went wrong</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Something went wrong</h1>
<p>Sorry, this page could not be shown. Please try again in a moment.</p>
<p><a href="/">Go to the front page</a></p></main></body>
</html>
"""


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the failing piece may be a context processor.
    try:
        body = loader.render_to_string("500.html")
    except Exception:  # a missing or broken 500.html must not turn into no answer at all
        body = SERVER_ERROR_FALLBACK
    return HttpResponse(body, status=500)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "403.html", 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form that fails the CSRF check (stale page, cookies blocked, another site)."""
    return _error(
        request,
        "403.html",
        403,
        "This form has expired or was sent from another page. "
        "Please go back, reload the page and try again. "
        "If it keeps happening, check that your browser accepts cookies from this site.",
    )
