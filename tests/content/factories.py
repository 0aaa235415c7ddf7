"""Factories for pages and snippets: build the newsroom a test needs, nothing more."""

from __future__ import annotations

from datetime import timedelta

import factory
import wagtail_factories
from django.utils import timezone
from wagtail.models import Collection

from masthead.content.models import HomePage, SectionPage, StoryAuthor, StoryPage
from masthead.content.snippets import Author, Series, Video


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Reporter {n}")
    slug = factory.Sequence(lambda n: f"reporter-{n}")
    role = "Staff writer"


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series

    title = factory.Sequence(lambda n: f"Series {n}")
    slug = factory.Sequence(lambda n: f"series-{n}")
    description = "A running investigation."


class VideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Video

    title = factory.Sequence(lambda n: f"Video {n}")
    slug = factory.Sequence(lambda n: f"video-{n}")
    embed_url = "https://video.example.org/watch/1"
    duration_seconds = 95
    caption = "A short film."
    credit = "Masthead Video"
    published_at = factory.LazyFunction(timezone.now)


class ImageFactory(wagtail_factories.ImageFactory):
    """A small real JPEG in the root collection, so renditions can be generated."""

    title = factory.Sequence(lambda n: f"Picture {n}")
    file = factory.django.ImageField(width=1200, height=800, color="steelblue", format="JPEG")
    collection = factory.LazyFunction(lambda: Collection.get_first_root_node())


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "Home"
    slug = "home"


class SectionPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = SectionPage

    title = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    description = "News from here."


def publish_story(
    section: SectionPage,
    *,
    title: str = "A story",
    authors: list[Author] | None = None,
    published=None,
    series: Series | None = None,
    paragraphs: list[str] | None = None,
    **fields,
) -> StoryPage:
    """Create and publish a story under ``section``, with its byline and date set."""
    published = published or timezone.now() - timedelta(hours=1)
    slug = fields.pop("slug", None) or factory.Faker._get_faker().unique.slug()
    story = StoryPage(
        title=title,
        slug=slug,
        series=series,
        body=[
            ("paragraph", f"<p>{p}</p>")
            for p in (paragraphs or ["First paragraph.", "Second paragraph."])
        ],
        **fields,
    )
    story.story_authors = [StoryAuthor(author=a) for a in (authors or [AuthorFactory()])]
    section.add_child(instance=story)
    story.save_revision().publish()
    StoryPage.objects.filter(pk=story.pk).update(
        first_published_at=published, last_published_at=published
    )
    story.refresh_from_db()
    return story
