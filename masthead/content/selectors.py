"""Read-side queries for reader pages: which stories a page lists, and in what order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

if TYPE_CHECKING:
    from .models import HomePage, SectionPage, StoryPage

RAIL_LENGTH = 5


def live_stories() -> QuerySet[StoryPage]:
    """Published stories, newest first, with what a teaser shows fetched up front."""
    from .models import StoryPage

    return (
        StoryPage.objects.live()
        .public()
        .select_related("series")
        .prefetch_related("story_authors__author", _with_renditions("lead_image"))
        .order_by("-first_published_at", "-pk")
    )


def _with_renditions(field: str) -> Prefetch:
    """Fetch an image with all its renditions: a teaser list then costs two queries, not 2N."""
    from wagtail.images import get_image_model

    return Prefetch(field, queryset=get_image_model().objects.prefetch_renditions())


def latest_videos(limit: int = 4) -> list:
    """The newest videos, with their posters' renditions, for the home page's video rail."""
    from .snippets import Video

    return list(
        Video.objects.order_by("-published_at", "-pk").prefetch_related(_with_renditions("poster"))[
            :limit
        ]
    )


def section_stories(section: SectionPage) -> QuerySet[StoryPage]:
    return live_stories().child_of(section)


def front_page(home: HomePage) -> dict:
    """The lead story, the next few top stories, and one rail per section."""
    from .models import SectionPage

    stories = list(live_stories()[:5])
    sections = SectionPage.objects.live().child_of(home).order_by("path")
    rails = []
    shown = {story.pk for story in stories}
    for section in sections:
        rail = [
            s for s in section_stories(section)[: RAIL_LENGTH + len(shown)] if s.pk not in shown
        ]
        rails.append({"section": section, "stories": rail[:RAIL_LENGTH]})
    return {
        "lead_story": stories[0] if stories else None,
        "top_stories": stories[1:],
        "rails": rails,
        "videos": latest_videos(),
    }


def next_story(story: StoryPage) -> StoryPage | None:
    """The next story of the series, else the newest earlier story of the section.

    A series reads forward: the story published right after this one. When this is
    the series' latest instalment (or it has none), the reader is offered the
    newest story of the section published before this one.
    """
    published = story.first_published_at
    candidates = live_stories().exclude(pk=story.pk)
    if story.series_id and published:
        later = candidates.filter(series_id=story.series_id, first_published_at__gt=published)
        following = later.order_by("first_published_at", "pk").first()
        if following:
            return following
    parent = story.get_parent()
    if parent is None:
        return None
    in_section = candidates.child_of(parent)
    if published:
        earlier = in_section.filter(first_published_at__lt=published).first()
        if earlier:
            return earlier
    return in_section.first()
