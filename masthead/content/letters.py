"""What newsletters and series alerts need from stories, handed down to them.

``newsletters`` and ``alerts`` sit below ``content``, so they cannot look at
pages themselves: this module registers the story source that composes
editions, and tells ``alerts`` when a story of a series is published for the
first time. Links are built from ``SITE_URL``, as every email link is.
"""

from __future__ import annotations

import logging

from django.dispatch import receiver
from wagtail.signals import page_published

from masthead.alerts.services import series_alert_start
from masthead.core.site_url import site_url
from masthead.newsletters.editions import Teaser, story_source_register

from .models import StoryPage

logger = logging.getLogger(__name__)


def _absolute(url: str) -> str:
    return site_url(url) if url.startswith("/") else url


def story_teaser(story: StoryPage) -> Teaser:
    parts = story.get_url_parts()
    path = parts[2] if parts else f"/{story.slug}/"
    image_url = ""
    if story.lead_image_id:
        try:
            image_url = _absolute(story.lead_image.get_rendition("fill-1200x675|format-jpeg").url)
        except Exception:  # a missing file must not stop a newsletter or an alert
            logger.warning("No rendition for story %s's lead image", story.pk, exc_info=True)
    return Teaser(
        page_id=story.pk,
        title=story.title,
        summary=story.deck or story.search_description,
        url=_absolute(path),
        image_url=image_url,
        image_alt=story.lead_image_alt if image_url else "",
    )


def stories_first_published(*, start, end, section_id: int | None) -> list[Teaser]:
    stories = (
        StoryPage.objects.live()
        .public()
        .filter(first_published_at__gte=start, first_published_at__lt=end)
        .select_related("lead_image")
        .order_by("-first_published_at")
    )
    if section_id is not None:
        from wagtail.models import Page

        section = Page.objects.filter(pk=section_id).first()
        if section is None:
            return []
        stories = stories.descendant_of(section)
    return [story_teaser(story) for story in stories]


story_source_register(stories_first_published)


@receiver(page_published, sender=StoryPage, dispatch_uid="alerts-first-publish")
def _story_published(sender, instance: StoryPage, **kwargs) -> None:
    """Only the first publication announces a story: Wagtail sets
    ``first_published_at`` to the same moment as ``last_published_at`` then,
    and never again. The alert row, unique per story, guards the rest."""
    first = instance.first_published_at
    if instance.series_id is None or first is None or first != instance.last_published_at:
        return
    teaser = story_teaser(instance)
    series_alert_start(
        story_id=instance.pk,
        series_id=instance.series_id,
        teaser={
            "title": teaser.title,
            "summary": teaser.summary,
            "url": teaser.url,
            "image_url": teaser.image_url,
            "image_alt": teaser.image_alt,
        },
    )
