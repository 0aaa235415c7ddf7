"""The newsroom dashboard in the Wagtail admin: a page of charts and their data."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .dashboard import CHARTS


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    charts = [{"slug": slug, "title": title} for slug, (title, _) in CHARTS.items()]
    return render(request, "analytics/dashboard.html", {"charts": charts})


@require_safe
def chart_data(request: HttpRequest, slug: str) -> JsonResponse:
    if slug not in CHARTS:
        raise Http404("No such chart")
    response = JsonResponse(CHARTS[slug][1]())
    response["Cache-Control"] = "private, no-store"
    return response
