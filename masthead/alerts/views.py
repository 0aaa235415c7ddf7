"""Reader pages of series alerts. Thin: parse, limit, call one service, answer.

The follow box sits on story and series pages the page cache shares; its
answer ("You have signed up for the ... series.") is this view's own small,
uncached response: a page without JavaScript, a fragment as JSON for
the in-place form script. Nothing here changes the page cache's generation.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from masthead.accounts.services import safe_next_url
from masthead.core import optin_views
from masthead.core.errors import answers_refusals

from . import links, services
from .forms import FollowForm, FollowToggleForm
from .models import SeriesFollow

_follows = SeriesFollow.objects.select_related("series")


def _series_model():
    """The series a follow points at (a ``content`` model, reached through the
    foreign key rather than an import: content sits above this app)."""
    return SeriesFollow._meta.get_field("series").related_model


_box = optin_views.BoxAnswers(
    fragment="alerts/includes/follow_answer.html", page="alerts/follow_page.html"
)


@csrf_exempt  # no token on shared pages: see core/origin.py for what stands in for it
@require_POST
@answers_refusals(_box.refused)
def follow(request: HttpRequest) -> HttpResponse:
    """The follow box's POST, limited by ``RATELIMIT_FOLLOW_IP`` and ``_EMAIL``."""
    form = FollowForm(request.POST)
    series = None
    if form.data.get("series"):
        series = _series_model().objects.filter(slug=str(form.data["series"])[:160]).first()
    next_url = safe_next_url(request.POST.get("next"), "/")
    context = {"form": form, "series": series, "next_url": next_url}
    email = optin_views.box_address(
        request, context, target="series", missing="That series is not available.", form="follow"
    )
    outcome = services.follow_request(
        email=email, series=series, user=optin_views.acting_reader(request)
    )
    context.update(done=True, active=outcome == SeriesFollow.ACTIVE)
    return _box.answer(request, context)


# The emailed links: a button, then the POST confirms; GET asks, POST leaves (RFC 8058 too).
confirm = optin_views.confirm_link_view(
    link=links.CONFIRM,
    rows=_follows,
    confirm=lambda follow: services.follow_confirm(follow=follow),
    template="alerts/confirm.html",
    name="follow",
)
stop = optin_views.leave_link_view(
    link=links.STOP,
    rows=_follows,
    leave=lambda follow: services.follow_stop(follow=follow),
    template="alerts/stop.html",
    name="follow",
)


@login_required
@require_POST
def toggle(request: HttpRequest) -> HttpResponse:
    form = FollowToggleForm(request.POST)
    if not form.is_valid():
        return optin_views.private(
            HttpResponse("Unknown follow.", status=400, content_type="text/plain")
        )
    found = services.follow_toggle(
        user=request.user, follow_id=form.cleaned_data["follow"], on=form.cleaned_data["on"]
    )
    if found is None:
        return optin_views.private(
            HttpResponse("Unknown follow.", status=404, content_type="text/plain")
        )
    return redirect("/account/#acct-follows")
