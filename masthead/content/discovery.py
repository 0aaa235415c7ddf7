"""Content's side of discovery: the catalogue analytics and recommendations read,
and the events they react to.

Those apps sit below ``content``, so content hands them plain records (a
``Catalogue``) and calls them: a story served by Django is recorded as a view,
a video page too (``views.video_detail``), a published story gets its "More on
this" computed by a task, and a changed "More on this" list starts a new page
cache generation (it shows on cached story pages).
"""

from __future__ import annotations

import re
from html import unescape

from django.db import transaction
from wagtail import hooks
from wagtail.signals import page_published

from masthead.analytics.catalogue import Item, catalogue_register
from masthead.analytics.hits import request_view_record
from masthead.analytics.models import STORY, VIDEO
from masthead.core.generation import generation_bump_on_commit
from masthead.recommendations.services import related_changed

_TAGS = re.compile(r"<[^>]+>")
TEXT_LIMIT = 20_000


def _plain(html: str) -> str:
    return unescape(_TAGS.sub(" ", html))


def _story_text(story) -> str:
    parts = [story.deck]
    for block in story.body:
        value = block.value
        if hasattr(value, "source"):  # RichText
            parts.append(_plain(value.source))
        elif isinstance(value, str):
            parts.append(_plain(value))
        elif isinstance(value, dict) or hasattr(value, "get"):
            parts.extend(str(v) for v in value.values() if isinstance(v, str))
    return " ".join(p for p in parts if p)[:TEXT_LIMIT]


class ContentCatalogue:
    """Live stories and videos as ``Item`` records (see analytics/catalogue.py)."""

    def _stories(self, *, text: bool):
        from .models import StoryPage

        stories = (
            StoryPage.objects.live()
            .public()
            .select_related("series")
            .prefetch_related("story_authors__author")
        )
        if not text:
            stories = stories.defer("body")
        return stories

    def _tags(self, kind: str, ids: list[int]) -> dict[int, tuple[str, ...]]:
        from .models import StoryTag
        from .snippets import VideoTag

        through = VideoTag if kind == VIDEO else StoryTag
        found: dict[int, list[str]] = {}
        rows = through.objects.filter(content_object_id__in=ids).values_list(
            "content_object_id", "tag__name"
        )
        for object_id, name in rows:
            found.setdefault(object_id, []).append(name)
        return {object_id: tuple(sorted(names)) for object_id, names in found.items()}

    def _story_items(self, stories, *, text: bool) -> list[Item]:
        stories = list(stories)
        paths = self._section_paths()
        tags = self._tags(STORY, [s.pk for s in stories])
        return [self._story_item(s, paths, tags.get(s.pk, ()), text=text) for s in stories]

    def _video_items(self, videos, *, text: bool) -> list[Item]:
        videos = list(videos)
        tags = self._tags(VIDEO, [v.pk for v in videos])
        return [self._video_item(v, tags.get(v.pk, ()), text=text) for v in videos]

    def _story_item(self, story, sections: dict, tags: tuple, *, text: bool) -> Item:
        from .templatetags.masthead_tags import byline_text

        section_id, section_title = sections.get(story.path[: -story.steplen], (None, ""))
        return Item(
            kind=STORY,
            id=story.pk,
            title=story.title,
            url=story.url or "",
            section_id=section_id,
            section_title=section_title,
            published=story.first_published_at,
            series_id=story.series_id,
            tags=tags,
            text=_story_text(story) if text else "",
            byline=byline_text(story),
        )

    def _section_paths(self) -> dict[str, tuple[int, str]]:
        from .models import SectionPage

        rows = SectionPage.objects.live().values_list("path", "pk", "title")
        return {path: (pk, title) for path, pk, title in rows}

    def _video_item(self, video, tags: tuple, *, text: bool) -> Item:
        image = ""
        if video.poster_id:
            image = video.poster.get_rendition("fill-320x180").url
        return Item(
            kind=VIDEO,
            id=video.pk,
            title=video.title,
            url=video.get_absolute_url(),
            section_id=video.section_id,
            section_title=video.section.title if video.section_id else "",
            published=video.published_at,
            tags=tags,
            text=f"{video.caption}" if text else "",
            image_url=image,
            extra={"duration": video.duration_display},
        )

    def _videos(self):
        from .snippets import Video

        return Video.objects.select_related("poster", "section")

    def items(self, kind, ids, *, text=False):
        ids = list(ids)
        if not ids:
            return {}
        if kind == VIDEO:
            found = self._video_items(self._videos().filter(pk__in=ids), text=text)
        else:
            found = self._story_items(self._stories(text=text).filter(pk__in=ids), text=text)
        return {item.id: item for item in found}

    def recent(self, kind, *, section_id=None, limit=5):
        if kind == VIDEO:
            return self._video_items(self._videos()[:limit], text=False)
        from .models import SectionPage

        stories = self._stories(text=False).order_by("-first_published_at", "-pk")
        if section_id is not None:
            section = SectionPage.objects.filter(pk=section_id).first()
            if section is None:
                return []
            stories = stories.child_of(section)
        return self._story_items(stories[:limit], text=False)

    def every(self, kind, *, text=True):
        if kind == VIDEO:
            return self._video_items(self._videos(), text=text)
        return self._story_items(self._stories(text=text), text=text)

    def story_sections(self, ids):
        from .models import StoryPage

        paths = {path: pk for path, (pk, _) in self._section_paths().items()}
        rows = StoryPage.objects.filter(pk__in=list(ids)).values_list("pk", "path")
        return {pk: paths.get(path[: -StoryPage.steplen]) for pk, path in rows}

    def sections(self):
        from .models import SectionPage

        return dict(SectionPage.objects.live().order_by("path").values_list("pk", "title"))


def _story_served(page, request, serve_args, serve_kwargs):
    """Wagtail hook: a story rendered by Django is a view (the page cache counts its hits)."""
    from .models import StoryPage

    if isinstance(page, StoryPage):
        request_view_record(request, kind=STORY, object_id=page.pk)


def _story_published(sender, instance, **kwargs) -> None:
    from masthead.recommendations.tasks import related_update

    from .models import StoryPage

    if isinstance(instance, StoryPage):
        story_id = instance.pk
        transaction.on_commit(lambda: related_update.enqueue(story_id))


def _related_changed(sender, story_ids, **kwargs) -> None:
    generation_bump_on_commit()  # "More on this" shows on cached story pages


def connect() -> None:
    """Called from ``ContentConfig.ready``."""
    catalogue_register(ContentCatalogue())
    hooks.register("before_serve_page", _story_served, order=90)
    page_published.connect(_story_published, dispatch_uid="discovery-story-published")
    related_changed.connect(_related_changed, dispatch_uid="discovery-related-changed")
