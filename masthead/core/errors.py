"""Domain errors: what a form or link refuses, as exception types, and the one
place where they become HTTP answers.

Views raise them (or let a service raise them) instead of choosing a status
inline; ``answers_refusals`` turns them into the view's own page with the
status this module gives each kind. The page differs per form (the wall
shows its form again, the set-up link its "get a new link" form); the status
never does.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse


class Refused(Exception):
    """A request the site refuses for a reason the reader can be told."""

    status = 400

    def __init__(self, message: str = "", **context) -> None:
        super().__init__(message)
        self.message = message
        self.context = context  # what the answer needs to show (e.g. where to return)


class InvalidInput(Refused):
    """The form does not hold (an invalid address, no agreement): shown with its errors."""

    status = 400


class RateLimited(Refused):
    """Over a rate limit (``core.ratelimit.rate_limit``); ``message`` says which."""

    status = 429


class NotFromOwnPage(Refused):
    """A POST with no sign it came from one of the site's pages (no same-origin
    ``Sec-Fetch-Site``/``Origin``, no valid CSRF token): the form is shown again,
    with a token, for the reader to send once more (``core.origin``)."""

    status = 403


class LinkRefused(Refused):
    """An emailed link that does not hold; ``kind`` names why, for the page."""

    kind = "invalid"


class LinkInvalid(LinkRefused):
    """An emailed link whose signature does not hold (cut short, changed), or
    whose account can no longer use it."""

    status = 400
    kind = "invalid"


class LinkExpired(LinkRefused):
    """An emailed link older than it may be."""

    status = 410
    kind = "expired"


class LinkUsed(LinkRefused):
    """An emailed link already followed: taken, it works once."""

    status = 410
    kind = "used"


Answer = Callable[..., HttpResponse]


def answers_refusals(answer: Answer) -> Callable[[Callable], Callable]:
    """View decorator: a ``Refused`` raised by the view is answered by
    ``answer(request, refusal, *args, **kwargs)``, with the refusal's status."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except Refused as refusal:
                response = answer(request, refusal, *args, **kwargs)
                response.status_code = refusal.status
                return response

        return wrapper

    return decorator
