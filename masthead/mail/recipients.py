"""Recipient sources: how an upper app tells mail who gets a bulk send.

mail sits below the apps that own subscribers (newsletters, alerts), so it
cannot query their tables. Instead each app registers a named source::

    @recipient_source("newsletter")
    def newsletter_recipients(*, args: dict, after: int, limit: int) -> list[Recipient]:
        ...  # at most ``limit`` recipients with ref > after, ordered by ref

and a send names the source and its JSON ``args``. The engine pages through it
with the last ref it saw (keyset pagination), so recipients are streamed and
never all loaded, and a fan-out that stopped half-way resumes where it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# No model imports here: sources register at import time, possibly before Django is set up.


@dataclass(frozen=True, slots=True)
class Recipient:
    """One recipient: ``ref`` is its stable id in the source (e.g. a subscription
    id), unique within the send; ``context`` holds the personal template values
    (strings), among them ``unsubscribe_url``: an absolute URL built from
    SITE_URL that mail also puts in ``List-Unsubscribe`` (RFC 8058)."""

    ref: int
    address: str
    context: dict = field(default_factory=dict)


RecipientSource = Callable[..., list[Recipient]]

_sources: dict[str, RecipientSource] = {}


def recipient_source(name: str) -> Callable[[RecipientSource], RecipientSource]:
    """Register ``function`` as the recipient source called ``name``."""

    def register(function: RecipientSource) -> RecipientSource:
        _sources[name] = function
        return function

    return register


def recipient_source_get(name: str) -> RecipientSource:
    """The source registered as ``name``; EmailError if there is none."""
    from .services import EmailError

    try:
        return _sources[name]
    except KeyError:
        raise EmailError(f"No recipient source is registered as {name!r}.") from None


def recipients_page(*, source: str, args: dict, after: int, limit: int) -> list[Recipient]:
    """One page from a source, checked: refs ascending and all above ``after``."""
    from .services import EmailError

    page = list(recipient_source_get(source)(args=args, after=after, limit=limit))
    previous = after
    for recipient in page:
        if recipient.ref <= previous:
            raise EmailError(
                f"Recipient source {source!r} returned ref {recipient.ref} after {previous}: "
                "refs must be ascending and above `after`."
            )
        previous = recipient.ref
    return page[:limit]
