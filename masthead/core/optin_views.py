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
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from .errors import LinkRefused
from .middleware import PRIVATE
from .origin import request_same_origin
from .signed_links import SignedLink

Row = TypeVar("Row", bound=Model)


def private(response: HttpResponse) -> HttpResponse:
    """Answers that name a reader's address or state: never kept by any cache."""
    response["Cache-Control"] = PRIVATE
    return response


def acting_reader(request: HttpRequest):
    """The signed-in reader, when the POST came from this site; else nobody, so a
    forged cross-site POST is answered as a stranger's (double opt-in)."""
    return request.user if request_same_origin(request) else None


def box_answer(
    request: HttpRequest, context: dict, *, fragment: str, page: str, status: int = 200
) -> HttpResponse:
    """A box's answer: ``fragment`` as JSON for the in-place script, else ``page``."""
    if "application/json" in request.headers.get("Accept", ""):
        html = render_to_string(fragment, context, request)
        return private(JsonResponse({"ok": status == 200, "html": html}, status=status))
    return private(render(request, page, context, status=status))


def confirm_link_answer(
    request: HttpRequest,
    token: str,
    *,
    link: SignedLink,
    rows: QuerySet[Row],
    confirm: Callable[[Row], Row | None],
    template: str,
    name: str,
) -> HttpResponse:
    """The confirm link's page: ``template`` gets the row as ``name``, with
    ``confirmed`` after the POST, or ``expired`` (410) / ``invalid`` (400)."""
    try:
        row = link.row(token, rows)
    except LinkRefused as refused:
        return private(render(request, template, {refused.kind: True}, status=refused.status))
    if request.method == "POST":
        return private(render(request, template, {name: confirm(row), "confirmed": True}))
    return private(render(request, template, {name: row}))


def leave_link_answer(
    request: HttpRequest,
    token: str,
    *,
    link: SignedLink,
    rows: QuerySet[Row],
    leave: Callable[[Row], Row],
    template: str,
    name: str,
) -> HttpResponse:
    """The leave link's page (``template`` gets the row as ``name``, with
    ``done`` after the POST, or ``invalid``), or a bare status for one click."""
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
