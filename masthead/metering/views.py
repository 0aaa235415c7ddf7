"""The wall's form endpoint and the account set-up pages. Thin: parse, limit, call, answer.

The wall works without JavaScript (a full-page POST answered by the story's
walled page, showing the errors or the thank-you) and with it (``wall.js``
posts in place and swaps in the fragment this returns as JSON). What stops a
request (an invalid form, a rate limit, a set-up link that does not hold) is
raised as a ``core.errors`` refusal and answered by ``_wall_refused`` or
``_link_refused``, with the status its type carries.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from masthead.accounts.services import safe_next_url
from masthead.core.errors import (
    InvalidInput,
    LinkRefused,
    NotFromOwnPage,
    Refused,
    answers_refusals,
)
from masthead.core.models import SiteSettings
from masthead.core.origin import post_from_own_page
from masthead.core.params import row_id
from masthead.core.ratelimit import rate_limit

from . import services
from .access import story_model
from .forms import ResendForm, SetupForm, WallForm
from .limits import WALL_LIMITS

NOT_FROM_OWN_PAGE = "Please check your address and press Continue again."


def _client(request: HttpRequest) -> tuple[str | None, str]:
    return request.META.get("REMOTE_ADDR") or None, request.META.get("HTTP_USER_AGENT", "")


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _story(story_id, *, whole: bool = True) -> object | None:
    """The live, public story the wall was on, or None.

    ``whole=False`` loads only what the wall fragment needs (its id and URL),
    not the body, for the in-place answers that wall.js swaps in; it skips
    the view-restriction check too, as those answers show nothing of the
    story but the address the reader posted from.
    """
    story_id = row_id(story_id)
    if story_id is None:
        return None
    stories = story_model().objects.live().filter(pk=story_id)
    if not whole:
        return stories.only("id", "title", "url_path", "path", "depth", "slug").first()
    return stories.public().first()


def _status(query) -> int:
    """400 when a ``story`` was named that cannot be a story's id (the page still helps)."""
    return 400 if query.get("story") and row_id(query["story"]) is None else 200


def _wall_answer(request: HttpRequest, *, story, status: int = 200, **wall) -> HttpResponse:
    """The wall in its current state: as JSON for wall.js, else as a whole page."""
    if _wants_json(request):
        if wall.get("wall_done"):
            # The same "Thank you." for every reader: no form, no token, no request.
            html = render_to_string("metering/wall_done.html", {"in_place": True})
        else:
            html = render_to_string("metering/wall.html", {"page": story, **wall}, request)
        return JsonResponse({"ok": status == 200, "html": html}, status=status)
    if story is not None:
        # The story's own walled page: the reader stays where they were.
        context = story.get_context(request)
        context.update(walled=True, **wall)
        return TemplateResponse(request, story.get_template(request), context, status=status)
    return render(request, "metering/wall_page.html", wall, status=status)


def _wall_refused(request: HttpRequest, refusal: Refused) -> HttpResponse:
    """The wall again with what stopped the sign-up: the form's errors, or the
    rate-limit notice, keeping what the reader typed."""
    form = WallForm(request.POST)
    data = form.cleaned_data if form.is_valid() else request.POST
    story = _story(data.get("story"), whole=not _wants_json(request))
    next_url = safe_next_url(data.get("next"), story.url if story else "/")
    return _wall_answer(
        request,
        story=story,
        status=refusal.status,
        wall_form=form,
        wall_next=next_url,
        wall_notice=refusal.message,
        # A POST that showed no sign of coming from the site gets the form
        # back with a CSRF token, so that sending it again proves it does.
        wall_token=isinstance(refusal, NotFromOwnPage),
    )


@csrf_exempt  # the walled copy is shared and carries no token: see post_from_own_page
@require_http_methods(["GET", "POST"])
@answers_refusals(_wall_refused)
def wall(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        story = _story(request.GET.get("story"))
        next_url = safe_next_url(request.GET.get("next"), story.url if story else "/")
        context = {"page": story, "wall_next": next_url}
        return render(request, "metering/wall_page.html", context, status=_status(request.GET))
    if not post_from_own_page(request):
        raise NotFromOwnPage(NOT_FROM_OWN_PAGE)
    form = WallForm(request.POST)
    if not form.is_valid():
        raise InvalidInput()
    rate_limit(request, "wall", email=form.cleaned_data["email"], messages=WALL_LIMITS)
    wants_json = _wants_json(request)
    next_url = safe_next_url(form.cleaned_data.get("next"), "")
    # The in-place thank-you shows nothing of the story: load it only for the
    # whole-page answer or to learn where to return.
    story = None
    if not wants_json or not next_url:
        story = _story(form.cleaned_data.get("story"), whole=not wants_json)
    next_url = next_url or (story.url if story else "/")
    ip, agent = _client(request)
    services.wall_signup(
        email=form.cleaned_data["email"],
        agreed=True,
        ip=ip,
        next_url=next_url,
        user_agent=agent,
        site=SiteSettings.load(request_or_site=request),  # cached on the request for the answer
    )
    if wants_json:
        return _wall_answer(request, story=None, wall_done=True)  # shows nothing of the story
    query = {"next": next_url, **({"story": story.pk} if story else {})}
    return HttpResponseRedirect(f"{reverse('metering:wall_sent')}?{urlencode(query)}")


def wall_sent(request: HttpRequest) -> HttpResponse:
    """After a no-JavaScript sign-up: the story page with "Thank you." in the wall's place."""
    story = _story(request.GET.get("story"))
    next_url = safe_next_url(request.GET.get("next"), story.url if story else "/")
    status = _status(request.GET)
    return _wall_answer(request, story=story, status=status, wall_done=True, wall_next=next_url)


def _link_refused(request: HttpRequest, refusal: Refused, *args, **kwargs) -> HttpResponse:
    """A set-up link that does not hold, or a "send me a new link" form that
    does not: the page that explains it and offers a new link."""
    if isinstance(refusal, LinkRefused):
        status = refusal.kind
        form = ResendForm(initial={"next": refusal.context.get("next_url", "/")})
    else:
        status = "resend"
        form = ResendForm(request.POST)
        form.is_valid()  # its errors, shown with what the reader typed
    context = {"status": status, "form": form, "notice": refusal.message}
    return render(request, "metering/welcome_invalid.html", context)


@require_http_methods(["GET", "POST"])
@answers_refusals(_link_refused)
def welcome(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the activation email. GET only shows the form (mail scanners
    prefetch links); the POST finishes the set-up and spends the link."""
    link = services.setup_link_check(token=token, reader=request.user)
    if link.followed:
        return HttpResponseRedirect(link.next_url)  # a double click on "Continue"
    form = SetupForm(request.POST or None, user=link.user)
    if request.method == "POST" and form.is_valid():
        ip, agent = _client(request)
        finished = services.setup_finish(
            link=link,
            token=token,
            password=form.cleaned_data["password"],
            ip=ip,
            user_agent=agent,
            sign_in=lambda user: login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0]),
        )
        notice = services.subscription_notice(user=link.user) if finished else None
        if notice:
            messages.success(request, notice)  # shown once, on the story the reader returns to
        return HttpResponseRedirect(link.next_url)
    return render(
        request,
        "metering/welcome.html",
        {"form": form, "reader": link.user, "next": link.next_url},
        status=InvalidInput.status if request.method == "POST" else 200,
    )


@require_POST
@answers_refusals(_link_refused)
def welcome_resend(request: HttpRequest) -> HttpResponse:
    form = ResendForm(request.POST)
    if not form.is_valid():
        raise InvalidInput()
    rate_limit(request, "wall", email=form.cleaned_data["email"], messages=WALL_LIMITS)
    services.setup_link_resend(
        email=form.cleaned_data["email"], next_url=form.cleaned_data.get("next") or "/"
    )
    return render(request, "metering/welcome_resent.html")
