"""The reader-facing answers of double opt-in by email, for any app that has it.

Newsletter subscriptions and series follows take an address the same way: a
box on shared (page-cached) pages posts it and gets a small answer of its own,
an email link confirms, another leaves. Each app keeps its models, services
and templates; these functions are the answers whose shape is the same, given
the app's link, rows, service and template.

- The box's answer is never stored by any cache (it names an address or a
  state) and comes as JSON ``{ok, html}`` for the in-place form script
  (``core/static/masthead/js/in-place-form.js``), else as a whole page.
- A confirm link shows a button on GET (mail scanners open links and must not
  confirm for the reader); the POST confirms.
- A leave link asks on GET and leaves on POST; a mail client's RFC 8058
  one-click POST (``List-Unsubscribe=One-Click``) gets a status and no page.
  It takes no CSRF token: the signed link is the authority.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .errors import InvalidInput, LinkRefused, RateLimited, Refused
from .middleware import PRIVATE
from .origin import request_same_origin
from .ratelimit import EMAIL_FORM_LIMITS, rate_limit
from .signed_links import SignedLink

Row = TypeVar("Row", bound=Model)
Act = Callable[[Row], Row | None]  # the app's service for what the link's POST does


def private(response: HttpResponse) -> HttpResponse:
    """Answers that name a reader's address or state: never kept by any cache."""
    response["Cache-Control"] = PRIVATE
    return response


def acting_reader(request: HttpRequest):
    """The signed-in reader, when the POST came from this site; else nobody, so a
    forged cross-site POST is answered as a stranger's (double opt-in)."""
    return request.user if request_same_origin(request) else None


@dataclass(frozen=True)
class BoxAnswers:
    """How a box answers: ``fragment`` as JSON ``{ok, html}`` for the in-place
    script (a request that accepts JSON), else ``page``; never cached."""

    fragment: str
    page: str

    def answer(self, request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
        if "application/json" in request.headers.get("Accept", ""):
            html = render_to_string(self.fragment, context, request)
            return private(JsonResponse({"ok": status == 200, "html": html}, status=status))
        return private(render(request, self.page, context, status=status))

    def refused(self, request: HttpRequest, refusal: Refused) -> HttpResponse:
        """For ``answers_refusals``: the refusal's context, its message as the notice."""
        context = {**refusal.context, "notice": refusal.message}
        return self.answer(request, context, status=refusal.status)


def box_address(
    request: HttpRequest, context: dict, *, target: str, missing: str, form: str
) -> str:
    """The address a box's POST carries (``context["form"]``), counted against
    the ``RATELIMIT_<FORM>_IP`` and ``_EMAIL`` limits. Refuses with ``context``
    kept for the answer: ``missing`` when ``context[target]`` (what the box
    signs up for) is None, the form's own errors, or the limit's copy."""
    if context[target] is None:
        raise InvalidInput(missing, **context)
    if not context["form"].is_valid():
        raise InvalidInput(**context)
    email = context["form"].cleaned_data["email"]
    try:
        rate_limit(request, form, email=email, messages=EMAIL_FORM_LIMITS)
    except RateLimited as refusal:
        raise RateLimited(refusal.message, **context) from None
    return email


View = Callable[[HttpRequest, str], HttpResponse]


def confirm_link_view(
    *, link: SignedLink, rows: QuerySet[Row], confirm: Act, template: str, name: str
) -> View:
    """The confirm link's view: ``template`` gets the row as ``name``, with
    ``confirmed`` after the POST, or ``expired`` (410) / ``invalid`` (400)."""

    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, token: str) -> HttpResponse:
        try:
            row = link.row(token, rows)
        except LinkRefused as refused:
            return private(render(request, template, {refused.kind: True}, status=refused.status))
        if request.method == "POST":
            return private(render(request, template, {name: confirm(row), "confirmed": True}))
        return private(render(request, template, {name: row}))

    return view


def leave_link_view(
    *, link: SignedLink, rows: QuerySet[Row], leave: Act, template: str, name: str
) -> View:
    """The leave link's view: ``template`` gets the row as ``name``, with
    ``done`` after the POST, or ``invalid`` (400); one click gets a bare status."""

    @csrf_exempt  # the signed token is the authority; mail providers POST without a form
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, token: str) -> HttpResponse:
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        try:
            row = link.row(token, rows)
        except LinkRefused as refused:
            if one_click:
                return private(HttpResponse(status=refused.status))
            return private(render(request, template, {refused.kind: True}, status=refused.status))
        if request.method == "POST":
            row = leave(row)
            if one_click:
                return private(HttpResponse(status=200))
            return private(render(request, template, {name: row, "done": True}))
        return private(render(request, template, {name: row}))

    return view
