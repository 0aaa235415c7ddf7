"""The wall's form endpoint and the account set-up pages. Thin: parse, limit, call, answer.

The wall works without JavaScript (a full-page POST answered by the story's
walled page, showing the errors or the thank-you) and with it (``wall.js``
posts in place and swaps in the fragment this returns as JSON).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from masthead.accounts.services import safe_next_url
from masthead.accounts.tokens import TokenStatus
from masthead.core.models import SiteSettings
from masthead.core.params import row_id

from . import services
from .forms import ResendForm, SetupForm, WallForm
from .limits import wall_limit_message


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
    from masthead.content.models import StoryPage

    story_id = row_id(story_id)
    if story_id is None:
        return None
    stories = StoryPage.objects.live().filter(pk=story_id)
    if not whole:
        return stories.only("id", "title", "url_path", "path", "depth", "slug").first()
    return stories.public().first()


def _status(query) -> int:
    """400 when a ``story`` was named that cannot be a story's id (the page still helps)."""
    return 400 if query.get("story") and row_id(query["story"]) is None else 200


_thank_you: str | None = None  # the in-place "Thank you.", rendered once per process


def _wall_fragment(request: HttpRequest, context: dict) -> str:
    """The wall as wall.js swaps it in. Its "Thank you." is the same for every
    reader (no form, no token), so outside DEBUG it is rendered once."""
    global _thank_you
    if not context.get("wall_done") or settings.DEBUG:
        return render_to_string("metering/wall.html", context, request)
    if _thank_you is None:
        _thank_you = render_to_string("metering/wall.html", context, request)
    return _thank_you


def _wall_answer(request: HttpRequest, *, story, status: int = 200, **wall) -> HttpResponse:
    """The wall in its current state: as JSON for wall.js, else as a whole page."""
    if _wants_json(request):
        html = _wall_fragment(request, {"page": story, **wall})
        return JsonResponse({"ok": status == 200, "html": html}, status=status)
    if story is not None:
        # The story's own walled page: the reader stays where they were.
        context = story.get_context(request)
        context.update(walled=True, **wall)
        return TemplateResponse(request, story.get_template(request), context, status=status)
    return render(request, "metering/wall_page.html", wall, status=status)


@require_http_methods(["GET", "POST"])
def wall(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        story = _story(request.GET.get("story"))
        next_url = safe_next_url(request.GET.get("next"), story.url if story else "/")
        context = {"page": story, "wall_next": next_url}
        return render(request, "metering/wall_page.html", context, status=_status(request.GET))
    form = WallForm(request.POST)
    wants_json = _wants_json(request)
    if not form.is_valid():
        story = _story(request.POST.get("story"), whole=not wants_json)
        next_url = safe_next_url(request.POST.get("next"), story.url if story else "/")
        return _wall_answer(request, story=story, status=400, wall_form=form, wall_next=next_url)
    next_url = safe_next_url(form.cleaned_data.get("next"), "")
    notice = wall_limit_message(request, email=form.cleaned_data["email"])
    # The in-place thank-you shows nothing of the story: load it only for the
    # answers that do (the form again, the whole page) or to learn where to return.
    story = None
    if notice or not wants_json or not next_url:
        story = _story(form.cleaned_data.get("story"), whole=not wants_json)
    next_url = next_url or (story.url if story else "/")
    if notice:
        return _wall_answer(
            request,
            story=story,
            status=429,
            wall_form=form,
            wall_next=next_url,
            wall_notice=notice,
        )
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


@require_http_methods(["GET", "POST"])
def welcome(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the activation email. GET only shows the form (mail scanners
    prefetch links); the POST finishes the set-up and spends the link."""
    check = services.setup_tokens.check_token(token)
    next_url = safe_next_url((check.data or {}).get("next"))
    if not check.ok:
        if (
            check.status is TokenStatus.USED
            and request.user.is_authenticated
            and request.user.pk == getattr(check.user, "pk", None)
        ):
            return HttpResponseRedirect(next_url)  # a double click on "Continue"
        return render(
            request,
            "metering/welcome_invalid.html",
            {"status": check.status.value, "form": ResendForm(initial={"next": next_url})},
            status=410 if check.status is not TokenStatus.INVALID else 400,
        )
    user = check.user
    form = SetupForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        ip, agent = _client(request)
        with transaction.atomic():
            # Two quick POSTs of one link: the second waits here, then finds it spent.
            user = get_user_model().objects.select_for_update().get(pk=user.pk)
            if services.setup_tokens.check_token(token).ok:
                services.reader_activate(
                    user=user, password=form.cleaned_data["password"], ip=ip, user_agent=agent
                )
                login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        return HttpResponseRedirect(next_url)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "metering/welcome.html",
        {"form": form, "reader": user, "next": next_url},
        status=status,
    )


@require_POST
def welcome_resend(request: HttpRequest) -> HttpResponse:
    form = ResendForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "metering/welcome_invalid.html",
            {"status": "resend", "form": form},
            status=400,
        )
    notice = wall_limit_message(request, email=form.cleaned_data["email"])
    if notice:
        return render(
            request,
            "metering/welcome_invalid.html",
            {"status": "resend", "form": form, "notice": notice},
            status=429,
        )
    services.setup_link_resend(
        email=form.cleaned_data["email"], next_url=form.cleaned_data.get("next") or "/"
    )
    return render(request, "metering/welcome_resent.html")
