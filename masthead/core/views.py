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


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the failing piece may be a context processor.
    return HttpResponse(loader.render_to_string("500.html"), status=500)
