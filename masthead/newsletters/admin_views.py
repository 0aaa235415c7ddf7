"""The editors' side of editions and newsletters, beyond the snippet forms:
the edition desk (preview, test, schedule, send, progress) and the
subscriber chart. Thin views: parse, check, call one service, answer."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from masthead.mail.rendering import email_render
from masthead.mail.services import EmailError

from . import sending
from .editions import edition_context
from .models import Edition, Newsletter
from .sending import edition_progress
from .services import subscriber_counts


def _editor(request: HttpRequest) -> None:
    if not request.user.has_perm("newsletters.change_edition"):
        raise PermissionDenied


def _rendered(edition: Edition):
    """The edition exactly as the sending engine renders it (subject, text, HTML)."""
    return email_render(
        template="newsletters/edition",
        context={**edition_context(edition), "is_test": False},
        personal={"unsubscribe_url": ""},
    )


@require_http_methods(["GET", "POST"])
def edition_desk(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    edition = get_object_or_404(Edition.objects.select_related("newsletter"), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "test":
                sending.edition_test_send(edition=edition, to=request.user.email)
                messages.success(request, f"A test is on its way to {request.user.email}.")
            elif action == "send":
                sending.edition_send_start(edition=edition)
                messages.success(request, "Sending started.")
            elif action == "schedule":
                when = _parse_local(request.POST.get("send_at", ""))
                if when is None:
                    messages.error(request, "Give a date and time to schedule the edition.")
                else:
                    sending.edition_schedule(edition=edition, send_at=when)
                    messages.success(request, "Edition scheduled.")
            else:
                messages.error(request, "Unknown action.")
        except (sending.SendError, EmailError) as exc:
            messages.error(request, str(exc))
        return redirect("newsletters_edition_desk", pk=edition.pk)
    return TemplateResponse(
        request,
        "newsletters/admin/edition_desk.html",
        {
            "edition": edition,
            "progress": edition_progress(edition),
            "items": edition.items.order_by("sort_order", "pk"),
            "send_at_value": timezone.localtime(edition.send_at).strftime("%Y-%m-%dT%H:%M")
            if edition.send_at
            else "",
        },
    )


def _parse_local(value: str) -> datetime | None:
    try:
        naive = datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    return timezone.make_aware(naive)


@require_GET
def edition_preview(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    _editor(request)
    edition = get_object_or_404(Edition.objects.select_related("newsletter"), pk=pk)
    message = _rendered(edition)
    if part == "text":
        response = HttpResponse(
            f"Subject: {message.subject}\n\n{message.text}",
            content_type="text/plain; charset=utf-8",
        )
    else:
        response = HttpResponse(message.html, content_type="text/html")
        # An email, not an admin page: no scripts, no same-origin access.
        response["Content-Security-Policy"] = "sandbox; script-src 'none'"
        response["X-Frame-Options"] = "SAMEORIGIN"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def edition_progress_json(request: HttpRequest, pk: int) -> JsonResponse:
    """What the desk's progress bar polls."""
    _editor(request)
    edition = get_object_or_404(Edition, pk=pk)
    response = JsonResponse(edition_progress(edition))
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def newsletter_chart(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("newsletters.change_newsletter"):
        raise PermissionDenied
    newsletter = get_object_or_404(Newsletter, pk=pk)
    points = subscriber_counts(newsletter=newsletter, days=30)
    peak = max((count for _, count in points), default=0) or 1
    width, height, gap = 20, 160, 4
    bars = [
        {
            "x": i * (width + gap),
            "y": height - round(count * height / peak),
            "h": round(count * height / peak),
            "w": width,
            "day": day,
            "count": count,
        }
        for i, (day, count) in enumerate(points)
    ]
    return TemplateResponse(
        request,
        "newsletters/admin/chart.html",
        {
            "newsletter": newsletter,
            "bars": bars,
            "peak": peak,
            "chart_width": len(bars) * (width + gap),
            "chart_height": height,
            "latest": points[-1][1] if points else 0,
        },
    )
