"""Reader account pages: the account page, emailed sign-in links, export, deletion."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from masthead.core.ratelimit import Limit, client_ip, limits_exceeded

from . import selectors, services
from .forms import AccountDeleteForm, SigninLinkForm
from .tokens import TokenStatus

BACKEND = "django.contrib.auth.backends.ModelBackend"


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "account/account.html", selectors.account_overview(request.user))


def _signin_link_limited(request: HttpRequest, email: str) -> bool:
    rates = settings.SIGNIN_LINK_RATE_LIMITS
    return any(
        limits_exceeded(
            Limit("signin-link:ip", client_ip(request), rates["ip"]),
            Limit("signin-link:address", email.strip().lower(), rates["address"]),
        )
    )


@require_http_methods(["GET", "POST"])
def signin_link_request(request: HttpRequest) -> HttpResponse:
    """ "Email me a sign-in link": the same answer whether or not the address has an account."""
    form = SigninLinkForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if _signin_link_limited(request, email):
            form.add_error(
                None, "Too many sign-in links have been asked for. Please try again in an hour."
            )
            return render(request, "account/signin_link_request.html", {"form": form}, status=429)
        services.signin_link_request_defer(email=email, next_url=form.cleaned_data["next"] or "/")
        return render(request, "account/signin_link_sent.html", {"email": email})
    return render(request, "account/signin_link_request.html", {"form": form})


@require_http_methods(["GET", "POST"])
def signin_link(request: HttpRequest, token: str) -> HttpResponse:
    """Follow an emailed link. GET asks for one click, so that mail scanners which
    fetch every link in a message cannot use it up; POST signs in."""
    check = services.signin_link_tokens.check_token(token)
    if not check.ok or not check.user.is_active:
        status = TokenStatus.INVALID if check.ok else check.status
        form = SigninLinkForm(initial={"email": getattr(check.user, "email", "")})
        return render(
            request,
            "account/signin_link_invalid.html",
            {"status": status, "form": form},
            status=400,
        )
    next_url = services.safe_next_url((check.data or {}).get("next"))
    if request.method == "POST":
        with transaction.atomic():
            # The link reached the inbox, so the address is confirmed.
            services.email_address_verify(user=check.user)
            login(request, check.user, backend=BACKEND)  # updates last_login: the link is used
        messages.success(request, "You are signed in.")
        return redirect(next_url)
    return render(request, "account/signin_link_confirm.html", {"link_user": check.user})


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
