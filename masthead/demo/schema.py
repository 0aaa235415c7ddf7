"""The shapes the demo's content is written in, and shorthands for story bodies.

The prose lives in plain data modules (``newsroom.py``, ``stories/``, ``pages.py``)
so that a writer can edit it without reading the loader. A body is a list of
``(block type, value)`` pairs matching ``StoryBodyBlock``; links to other demo
stories are written ``href="story:<slug>"`` and become Wagtail page links.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STUDIO_CREDIT = "Illustration: Lantern Studio"


@dataclass(frozen=True)
class Figure:
    """A generated illustration placed in a body or as a lead image."""

    motif: str
    alt: str
    caption: str
    credit: str = STUDIO_CREDIT


@dataclass(frozen=True)
class Story:
    slug: str
    section: str
    title: str
    deck: str
    authors: tuple[str, ...]
    hours_ago: float
    lead: Figure
    body: list[tuple[str, object]]
    tags: tuple[str, ...] = ()
    series: str | None = None
    source: tuple[str, str] | None = None  # (outlet name, URL of its report)
    updated_after_hours: float | None = None  # last_published_at - first_published_at


@dataclass(frozen=True)
class AuthorData:
    slug: str
    name: str
    role: str
    bio: str
    section: str  # whose palette the portrait uses


@dataclass(frozen=True)
class SeriesData:
    slug: str
    title: str
    kicker: str
    description: str
    section: str
    motif: str


@dataclass(frozen=True)
class VideoData:
    slug: str
    title: str
    caption: str
    duration_seconds: int
    section: str
    hours_ago: float
    motif: str
    tags: tuple[str, ...] = field(default_factory=tuple)
    credit: str = "Video: Lantern Studio"


def p(html: str) -> tuple[str, str]:
    """A paragraph; ``html`` may hold inline links and emphasis."""
    return ("paragraph", f"<p>{html}</p>")


def h(text: str) -> tuple[str, str]:
    return ("heading", text)


def quote(text: str, attribution: str = "") -> tuple[str, dict]:
    return ("quote", {"text": text, "attribution": attribution})


def figure(motif: str, alt: str, caption: str, credit: str = STUDIO_CREDIT) -> tuple[str, Figure]:
    return ("image", Figure(motif=motif, alt=alt, caption=caption, credit=credit))


def video(slug: str) -> tuple[str, str]:
    return ("video", slug)
