"""Most Read for readers: the fragment pages fetch after load, and its own page.

Neither is a cached page (they are not marked cacheable): Most Read changes
every minute and must never be a reason to replace the site-wide generation.
The list is kept ``MOST_READ_CACHE_SECONDS`` in the shared cache; the
fragment says how long HTTP caches may keep it on top of that
(``selectors.fragment_max_age``): the page cache keeps it that long in each
process (``PAGECACHE_SHARED_FRAGMENTS``), as a CDN and the browser may.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from .catalogue import catalogue
from .selectors import fragment_max_age, most_read_cached, window_hours


def _section(request: HttpRequest) -> tuple[int | None, str]:
    """The ``section`` parameter: (id, title), (None, "") for site-wide; 400/404 when bad."""
    raw = request.GET.get("section", "")
    if not raw:
        return None, ""
    if not raw.isdigit() or len(raw) > 12:
        raise ValueError("section must be a section number")
    sections = catalogue().sections()
    if int(raw) not in sections:
        raise Http404("No such section")
    return int(raw), sections[int(raw)]


@require_safe
def most_read_fragment(request: HttpRequest) -> HttpResponse:
    try:
        section_id, _ = _section(request)
    except ValueError as error:
        return HttpResponseBadRequest(str(error))
    html = render_to_string(
        "analytics/most_read_list.html", {"stories": most_read_cached(section_id=section_id)}
    )
    response = HttpResponse(html)
    seconds = fragment_max_age()
    response["Cache-Control"] = (
        f"public, max-age={seconds}, s-maxage={seconds}" if seconds else "no-cache"
    )
    return response


@require_safe
def most_read_page(request: HttpRequest) -> HttpResponse:
    """The no-JavaScript fallback: Most Read as a page of its own."""
    try:
        section_id, section_title = _section(request)
    except ValueError:
        return render(request, "400.html", status=400)
    return render(
        request,
        "analytics/most_read_page.html",
        {
            "stories": most_read_cached(section_id=section_id),
            "section_title": section_title,
            "window_hours": window_hours(),
        },
    )
