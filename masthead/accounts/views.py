"""Reader account pages: the account page, emailed sign-in links, export, deletion."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from masthead.core.errors import InvalidInput, LinkRefused, Refused, answers_refusals
from masthead.core.ratelimit import rate_limit

from . import selectors, services
from .forms import AccountDeleteForm, SigninLinkForm
from .panels import account_panels

BACKEND = "django.contrib.auth.backends.ModelBackend"


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    context = selectors.account_overview(request.user)
    context["panels"] = account_panels(request)
    return render(request, "account/account.html", context)


SIGNIN_LINK_LIMITS = dict.fromkeys(
    ("ip", "email"), "Too many sign-in links have been asked for. Please try again in an hour."
)


def _signin_link_refused(request: HttpRequest, refusal: Refused, *args, **kwargs) -> HttpResponse:
    """A sign-in link that does not hold: say why and offer a new one. A request
    form that does not hold: the form again, with what the reader typed."""
    if isinstance(refusal, LinkRefused):
        form = SigninLinkForm(initial={"email": refusal.context.get("email", "")})
        context = {"status": refusal.kind, "form": form}
        return render(request, "account/signin_link_invalid.html", context)
    form = SigninLinkForm(request.POST)
    if form.is_valid() and refusal.message:
        form.add_error(None, refusal.message)
    return render(request, "account/signin_link_request.html", {"form": form})


@require_http_methods(["GET", "POST"])
@answers_refusals(_signin_link_refused)
def signin_link_request(request: HttpRequest) -> HttpResponse:
    """ "Email me a sign-in link": the same answer whether or not the address has an account."""
    form = SigninLinkForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method != "POST":
        return render(request, "account/signin_link_request.html", {"form": form})
    if not form.is_valid():
        raise InvalidInput()
    email = form.cleaned_data["email"]
    rate_limit(request, "signin-link", email=email, messages=SIGNIN_LINK_LIMITS)
    services.signin_link_request_defer(email=email, next_url=form.cleaned_data["next"] or "/")
    return render(request, "account/signin_link_sent.html", {"email": email})


@require_http_methods(["GET", "POST"])
@answers_refusals(_signin_link_refused)
def signin_link(request: HttpRequest, token: str) -> HttpResponse:
    """Follow an emailed link. GET asks for one click, so that mail scanners which
    fetch every link in a message cannot use it up; POST signs in."""
    user, next_url = services.signin_link_check(token=token)
    if request.method == "POST":
        services.signin_link_follow(
            user=user, sign_in=lambda reader: login(request, reader, backend=BACKEND)
        )
        messages.success(request, "You are signed in.")
        return redirect(next_url)
    return render(request, "account/signin_link_confirm.html", {"link_user": user})


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    data = services.account_export(user=request.user)
    response = JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2})
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.account_delete(user=user)
        return redirect("accounts:goodbye")
    return render(request, "account/delete.html", {"form": form})


@require_GET
def goodbye(request: HttpRequest) -> HttpResponse:
    return render(request, "account/goodbye.html")


def too_many_requests(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The answer when a rate limit (allauth's or ours) stops a request."""
    return render(request, "account/429.html", status=429)
