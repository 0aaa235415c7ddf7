"""Response headers that depend on whose page it is.

``PrivatePagesMiddleware``: a page that shows one reader's things (their
account, their email and password forms, a story rendered for a signed-in
reader, a walled story with its form, the mailbox) must not be kept by a
browser's back-forward history on a shared computer, nor by any cache on
the way: ``Cache-Control: private, no-store``. Public pages keep whatever
their view or the page cache chose.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PRIVATE = "private, no-store"
# Paths whose every answer is personal or carries a personal form.
PERSONAL_PREFIXES = ("/account/", "/accounts/", "/mailbox/", "/welcome/", "/wall/")


def is_personal(request: HttpRequest) -> bool:
    """Whether the answer to ``request`` is about (or for) one reader."""
    if request.path.startswith(PERSONAL_PREFIXES):
        return True
    # Only with a session cookie: touching the session otherwise would add
    # ``Vary: Cookie`` to every public page and hurt shared caching.
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
    access = getattr(request, "story_access", None)  # set by a story page as it serves
    return bool(access is not None and access.walled)


class PrivatePagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_personal(request):
            response.headers["Cache-Control"] = PRIVATE
            response.headers.pop("Expires", None)
            response.headers.pop("ETag", None)
        return response
