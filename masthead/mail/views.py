"""The demo mailbox: every email the demo "sent", readable in the browser.

Served only when the demo or DEBUG is on; otherwise these addresses do not exist.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import MailboxMessage

PAGE_SIZE = 100


def _demo_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (settings.MASTHEAD_DEMO or settings.DEBUG):
            raise Http404("The mailbox is only available in the demo.")
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@_demo_only
def mailbox(request: HttpRequest) -> HttpResponse:
    messages = MailboxMessage.objects.only("id", "subject", "from_email", "to", "created_at")
    return render(request, "mailbox/list.html", {"mailbox_messages": messages[:PAGE_SIZE]})


@require_GET
@_demo_only
def message(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(MailboxMessage, pk=pk)
    return render(request, "mailbox/message.html", {"item": item})


@require_GET
@_demo_only
def message_html(request: HttpRequest, pk: int) -> HttpResponse:
    """The HTML part alone, for the sandboxed frame: no scripts (``script-src
    'none'`` and no ``allow-scripts``); same-origin only so that the mailbox page
    can read its height and show the whole email; links open in the top window
    so they can be followed."""
    item = get_object_or_404(MailboxMessage, pk=pk)
    response = HttpResponse('<base target="_top">' + item.html, content_type="text/html")
    response["Content-Security-Policy"] = (
        "sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox "
        "allow-top-navigation-by-user-activation; script-src 'none'"
    )
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Cache-Control"] = "no-store"
    return response
