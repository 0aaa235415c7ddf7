"""What analytics and recommendations know about stories and videos: a hook.

Analytics sits below ``content`` in the layer order, so it cannot import the
page models. ``content`` registers a ``Catalogue`` at start-up (its
``discovery.py``) and these apps ask it for plain ``Item`` records: a title
and address to show, a section to count under, the text and tags to compare.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Item:
    kind: str  # analytics.models.STORY or VIDEO
    id: int
    title: str
    url: str
    section_id: int | None = None
    section_title: str = ""
    published: datetime | None = None
    series_id: int | None = None
    tags: tuple[str, ...] = ()
    text: str = ""
    image_url: str = ""
    byline: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)


class Catalogue(Protocol):
    def items(self, kind: str, ids: Iterable[int], *, text: bool = False) -> dict[int, Item]:
        """Live items by id (unpublished and missing ids left out)."""

    def recent(self, kind: str, *, section_id: int | None = None, limit: int = 5) -> list[Item]:
        """The newest live items, newest first."""

    def every(self, kind: str, *, text: bool = True) -> list[Item]:
        """Every live item (for building the similarity index)."""

    def sections(self) -> dict[int, str]:
        """Section id -> title, in the order the site lists them."""

    def story_sections(self, ids: Iterable[int]) -> dict[int, int | None]:
        """Story id -> its section's id (cheap: counting needs only this)."""


class _Empty:
    """The catalogue before ``content`` registers one (tests of lower apps)."""

    def items(self, kind, ids, *, text=False):
        return {}

    def recent(self, kind, *, section_id=None, limit=5):
        return []

    def every(self, kind, *, text=True):
        return []

    def sections(self):
        return {}

    def story_sections(self, ids):
        return {}


_catalogue: Catalogue = _Empty()


def catalogue_register(catalogue: Catalogue) -> None:
    """Called once by the content app when Django starts."""
    global _catalogue
    _catalogue = catalogue


def catalogue() -> Catalogue:
    return _catalogue
