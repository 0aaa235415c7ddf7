"""What a thread hangs on, told to comments by the app that owns the pages.

Comments sit below content in the layer order, so they never import it: the
content app registers a resolver at start-up (``register_thread_resolver``)
that answers, for a page id, the live story a thread belongs to. Anything the
resolver does not know (a section, a draft, a made-up id) has no thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ThreadTarget:
    page_id: int
    title: str
    url: str
    published_at: datetime | None
    section_id: int | None


Resolver = Callable[[int], "ThreadTarget | None"]
_resolver: Resolver | None = None


def register_thread_resolver(resolver: Resolver) -> None:
    """Called once by the content app: ``resolver(page_id)`` gives a ThreadTarget or None."""
    global _resolver
    _resolver = resolver


def thread_target(page_id: int) -> ThreadTarget | None:
    if _resolver is None:
        return None
    return _resolver(page_id)
