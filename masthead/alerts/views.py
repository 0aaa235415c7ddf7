"""Reader pages of series alerts. Thin: parse, limit, call one service, answer.

The follow box sits on story and series pages the page cache shares; its
answer ("You have signed up for the ... series.") is this view's own small,
uncached response: a page without JavaScript, a fragment as JSON for
``signup.js``. Nothing here changes the page cache's generation.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from masthead.accounts.services import safe_next_url
from masthead.core.origin import request_same_origin

from . import links, services
from .forms import FollowForm, FollowToggleForm
from .limits import follow_limit_message
from .models import SeriesFollow


def _series_model():
    """The series a follow points at (a ``content`` model, reached through the
    foreign key rather than an import: content sits above this app)."""
    return SeriesFollow._meta.get_field("series").related_model


def _acting_reader(request: HttpRequest):
    """The signed-in reader, when the POST came from this site; else nobody, so a
    forged cross-site POST is answered as a stranger's (double opt-in)."""
    return request.user if request_same_origin(request) else None


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _answer(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    if "application/json" in request.headers.get("Accept", ""):
        html = render_to_string("alerts/includes/follow_answer.html", context, request)
        return _private(JsonResponse({"ok": status == 200, "html": html}, status=status))
    return _private(render(request, "alerts/follow_page.html", context, status=status))


@csrf_exempt  # no token on shared pages: see core/origin.py for what stands in for it
@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    form = FollowForm(request.POST)
    series = None
    if form.data.get("series"):
        series = _series_model().objects.filter(slug=str(form.data["series"])[:160]).first()
    next_url = safe_next_url(request.POST.get("next"), "/")
    context = {"form": form, "series": series, "next_url": next_url}
    if series is None:
        context["notice"] = "That series is not available."
        return _answer(request, context, status=400)
    if not form.is_valid():
        return _answer(request, context, status=400)
    email = form.cleaned_data["email"]
    notice = follow_limit_message(request, email=email)
    if notice:
        context["notice"] = notice
        return _answer(request, context, status=429)
    outcome = services.follow_request(email=email, series=series, user=_acting_reader(request))
    context.update(done=True, active=outcome == SeriesFollow.ACTIVE)
    return _answer(request, context)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation email: GET shows a button (mail scanners
    open links), the POST confirms."""
    try:
        found = links.confirm_token_read(token)
    except links.Expired:
        return _private(render(request, "alerts/confirm.html", {"expired": True}, status=410))
    follow = None
    if found is not None:
        follow = SeriesFollow.objects.select_related("series").filter(pk=found[0]).first()
    if follow is None or follow.email.lower() != found[1]:
        return _private(render(request, "alerts/confirm.html", {"invalid": True}, status=400))
    if request.method == "POST":
        follow = services.follow_confirm(follow_id=found[0], email=found[1])
        return _private(
            render(request, "alerts/confirm.html", {"follow": follow, "confirmed": True})
        )
    return _private(render(request, "alerts/confirm.html", {"follow": follow}))


@csrf_exempt  # the signed token is the authority; mail providers POST without a form
@require_http_methods(["GET", "POST"])
def stop(request: HttpRequest, token: str) -> HttpResponse:
    """A per-recipient unsubscribe link; RFC 8058 one-click POSTs get no page."""
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    try:
        found = links.stop_token_read(token)
    except links.Expired:  # stop links carry no age; kept for a uniform reader
        found = None
    follow = None
    if found is not None:
        follow = SeriesFollow.objects.select_related("series").filter(pk=found[0]).first()
        if follow is not None and follow.email.lower() != found[1]:
            follow = None
    if follow is None:
        if one_click:
            return _private(HttpResponse(status=400))
        return _private(render(request, "alerts/stop.html", {"invalid": True}, status=400))
    if request.method == "POST":
        services.follow_stop(follow=follow)
        if one_click:
            return _private(HttpResponse(status=200))
        return _private(render(request, "alerts/stop.html", {"follow": follow, "done": True}))
    return _private(render(request, "alerts/stop.html", {"follow": follow}))


@login_required
@require_POST
def toggle(request: HttpRequest) -> HttpResponse:
    form = FollowToggleForm(request.POST)
    if not form.is_valid():
        return _private(HttpResponse("Unknown follow.", status=400, content_type="text/plain"))
    found = services.follow_toggle(
        user=request.user, follow_id=form.cleaned_data["follow"], on=form.cleaned_data["on"]
    )
    if found is None:
        return _private(HttpResponse("Unknown follow.", status=404, content_type="text/plain"))
    return redirect("/account/#acct-follows")
