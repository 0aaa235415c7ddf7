"""Reader pages of newsletters. Thin: parse, limit, call one service, answer.

The sign-up box sits on pages the page cache shares between readers, so its
HTML there is the same for everyone; what a sign-up answers ("Success! ...",
"You might also like:") is this view's own small response, never stored in
the page cache: a whole page without JavaScript, a fragment as JSON for
the in-place form script. Nothing here changes the page cache's generation.
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from masthead.accounts.services import safe_next_url
from masthead.core import optin_views
from masthead.core.errors import answers_refusals

from . import links, services
from .editions import edition_context, edition_latest
from .forms import SignupForm, ToggleForm
from .models import Edition, NewsletterSubscription

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")
_subscriptions = NewsletterSubscription.objects.select_related("newsletter")


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    newsletters = [
        {"newsletter": newsletter, "latest": edition_latest(newsletter)}
        for newsletter in services.newsletters_active()
    ]
    return render(request, "newsletters/catalogue.html", {"newsletters": newsletters})


_box = optin_views.BoxAnswers(
    fragment="newsletters/includes/signup_answer.html", page="newsletters/signup_page.html"
)


def _slugs(value: str) -> list[str]:
    return [slug for slug in value.split(",")[:20] if _SLUG.fullmatch(slug)]


@csrf_exempt  # no token on shared pages: see core/origin.py for what stands in for it
@require_POST
@answers_refusals(_box.refused)
def signup(request: HttpRequest) -> HttpResponse:
    """The sign-up box's POST, limited by ``RATELIMIT_NEWSLETTER_IP`` and ``_EMAIL``."""
    form = SignupForm(request.POST)
    newsletter = None
    if form.data.get("newsletter"):
        newsletter = services.newsletters_active().filter(slug=form.data["newsletter"][:60]).first()
    next_url = safe_next_url(request.POST.get("next"), "/newsletters/")
    context = {"form": form, "newsletter": newsletter, "next_url": next_url}
    email = optin_views.box_address(
        request,
        context,
        target="newsletter",
        missing="That newsletter is not available. See all newsletters.",
        form="newsletter",
    )
    outcome = services.subscription_request(
        email=email, newsletter=newsletter, user=optin_views.acting_reader(request)
    )
    # The newsletters signed up for from this box so far, so suggestions move on.
    added = [newsletter.slug, *_slugs(request.POST.get("added", ""))]
    context.update(
        done=True,
        active=outcome == NewsletterSubscription.ACTIVE,
        email=email,
        added=",".join(added),
        suggestions=services.newsletter_suggestions(
            exclude=added, user=optin_views.acting_reader(request)
        ),
    )
    return _box.answer(request, context)


# The emailed links: a button, then the POST confirms; GET asks, POST leaves (RFC 8058 too).
confirm = optin_views.confirm_link_view(
    link=links.CONFIRM,
    rows=_subscriptions,
    confirm=lambda sub: services.subscription_confirm(subscription=sub),
    template="newsletters/confirm.html",
    name="sub",
)
unsubscribe = optin_views.leave_link_view(
    link=links.UNSUBSCRIBE,
    rows=_subscriptions,
    leave=lambda sub: services.subscription_stop(subscription=sub),
    template="newsletters/unsubscribe.html",
    name="sub",
)


@require_GET
def edition(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An edition's web version: the same stories as the email, without the
    reader's own links."""
    found = get_object_or_404(
        Edition.objects.select_related("newsletter"), pk=pk, newsletter__slug=slug
    )
    if not found.is_public:
        raise Http404("This edition has not been sent.")
    return render(
        request,
        "newsletters/edition.html",
        {"edition": found, "letter": edition_context(found), "newsletter": found.newsletter},
    )


@login_required
@require_POST
def toggle(request: HttpRequest) -> HttpResponse:
    """The account page's switches; answers by going back to the account page."""
    form = ToggleForm(request.POST)
    if not form.is_valid():
        return optin_views.private(
            HttpResponse("Unknown newsletter.", status=400, content_type="text/plain")
        )
    newsletter = get_object_or_404(
        services.newsletters_active(), slug=form.cleaned_data["newsletter"]
    )
    services.subscription_toggle(
        user=request.user, newsletter=newsletter, on=form.cleaned_data["on"]
    )
    return redirect("/account/#acct-news")
