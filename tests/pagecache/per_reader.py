"""A test middleware that makes an ordinary page answer with a per-reader
cookie, as a view that writes the session or adds a flash message would."""

from __future__ import annotations

from django.contrib import messages


def per_reader_cookies(get_response):
    def middleware(request):
        if request.headers.get("X-Test-Writes-Session"):
            request.session["seen"] = True
        if request.headers.get("X-Test-Adds-Message"):
            messages.info(request, "Your preferences were saved.")
        return get_response(request)

    return middleware
