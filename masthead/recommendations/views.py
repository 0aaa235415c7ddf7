"""Your Three for readers: a per-reader fragment (never cached for others) and a page."""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from masthead.analytics.readers import request_reader_key

from .services import your_three


def _videos(request: HttpRequest):
    return your_three(reader=request_reader_key(request, now=time.time()))


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def your_three_fragment(request: HttpRequest) -> HttpResponse:
    return _private(
        render(request, "recommendations/your_three_list.html", {"videos": _videos(request)})
    )


@require_safe
def your_three_page(request: HttpRequest) -> HttpResponse:
    """The no-JavaScript fallback: this reader's three videos as a page."""
    return _private(
        render(request, "recommendations/your_three_page.html", {"videos": _videos(request)})
    )
