"""RSS 2.0 and Atom feeds: the whole site, a section, a series, an author.

Items carry the deck, never the body: the site is metered, and a feed reader
must not become a way around the wall. Links are absolute on ``SITE_URL`` so a
feed fetched through a proxy or under another host name still points home.
"""

from __future__ import annotations

import mimetypes

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from wagtail.models import Page

from . import selectors, seo
from .models import SectionPage, StoryPage
from .snippets import Author, Series
from .templatetags.seo_tags import OG_SPEC, renditions

FEED_LENGTH = 20
DC = "http://purl.org/dc/elements/1.1/"
MEDIA = "http://search.yahoo.com/mrss/"


class StoryRssFeed(Rss201rev2Feed):
    """RSS 2.0 naming every author (``dc:creator``) and the lead image (``media:content``)."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DC, "xmlns:media": MEDIA}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("authors", ()):
            handler.addQuickElement("dc:creator", name)
        image = item.get("image")
        if image:
            attrs = {"url": image.url, "medium": "image"}
            if image.width and image.height:
                attrs.update(width=str(image.width), height=str(image.height))
            handler.startElement("media:content", attrs)
            if image.alt:
                handler.addQuickElement("media:description", image.alt)
            handler.endElement("media:content")


class StoryAtomFeed(Atom1Feed):
    """Atom with one ``<author>`` per credited author, linked to their page."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, url in zip(item.get("authors", ()), item.get("author_urls", ()), strict=False):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", url)
            handler.endElement("author")


def attach_sections(stories: list[StoryPage]) -> list[StoryPage]:
    """Set ``feed_section`` on each story with one query for all their parents."""
    parent_paths = {story.path[: -Page.steplen] for story in stories}
    sections = {
        section.path: section
        for section in SectionPage.objects.filter(path__in=parent_paths).only("title", "path")
    }
    for story in stories:
        story.feed_section = sections.get(story.path[: -Page.steplen])
    return stories


class StoryFeed(Feed):
    """The whole site's newest stories (``/feed/``)."""

    feed_type = StoryRssFeed

    def __call__(self, request, *args, **kwargs):
        self.request = request  # safe: ``feed_view`` makes one instance per request
        return super().__call__(request, *args, **kwargs)

    # What the feed is about -------------------------------------------------
    def site_name(self) -> str:
        from masthead.core.models import SiteSettings

        return SiteSettings.load(request_or_site=self.request).site_name

    def title(self, obj=None) -> str:
        return self.site_name()

    def description(self, obj=None) -> str:
        from masthead.core.models import SiteSettings

        settings = SiteSettings.load(request_or_site=self.request)
        return settings.tagline or f"The newest stories from {settings.site_name}"

    subtitle = description

    def link(self, obj=None) -> str:
        return seo.absolute_url("/")

    def feed_url(self, obj=None) -> str:
        return seo.absolute_url(self.request.path)

    def stories(self, obj):
        return selectors.live_stories()

    def items(self, obj=None):
        stories = list(self.stories(obj).prefetch_related("tags")[:FEED_LENGTH])
        return attach_sections(stories)

    # Each story -------------------------------------------------------------
    def item_title(self, item: StoryPage) -> str:
        return item.title

    def item_description(self, item: StoryPage) -> str:
        return item.deck or item.search_description or ""

    def item_link(self, item: StoryPage) -> str:
        return seo.absolute_url(item.get_url(self.request))

    def item_guid(self, item: StoryPage) -> str:
        return self.item_link(item)

    item_guid_is_permalink = True

    def item_pubdate(self, item: StoryPage):
        return item.first_published_at

    def item_updateddate(self, item: StoryPage):
        return item.last_published_at or item.first_published_at

    def item_categories(self, item: StoryPage) -> list[str]:
        section = getattr(item, "feed_section", None)
        names = [section.title] if section else []
        return names + [tag.name for tag in item.tags.all()]

    def item_enclosures(self, item: StoryPage) -> list[Enclosure]:
        image = self.item_image(item)
        if image is None:
            return []
        mime = mimetypes.guess_type(image.url)[0] or "image/jpeg"
        # The byte size is unknown without touching storage; RSS practice is "0".
        return [Enclosure(image.url, "0", mime)]

    def item_image(self, item: StoryPage) -> seo.ImageRef | None:
        cached = getattr(item, "_feed_image", False)
        if cached is not False:
            return cached
        rendition = renditions(item.lead_image, (OG_SPEC,)).get(OG_SPEC)
        item._feed_image = (
            seo.ImageRef(
                seo.absolute_url(rendition.url),
                rendition.width,
                rendition.height,
                item.lead_image_alt or item.lead_image_caption,
            )
            if rendition
            else None
        )
        return item._feed_image

    def item_extra_kwargs(self, item: StoryPage) -> dict:
        authors = item.authors  # prefetched by live_stories()
        return {
            "authors": [a.name for a in authors],
            "author_urls": [seo.absolute_url(a.get_absolute_url()) for a in authors],
            "image": self.item_image(item),
        }


class SectionFeed(StoryFeed):
    """One section's newest stories (``/sections/<slug>/feed/``)."""

    def get_object(self, request, slug: str) -> SectionPage:
        return get_object_or_404(SectionPage.objects.live().public(), slug=slug)

    def title(self, obj: SectionPage) -> str:
        return f"{obj.title} — {self.site_name()}"

    def description(self, obj: SectionPage) -> str:
        return obj.description or f"The newest {obj.title} stories from {self.site_name()}"

    subtitle = description

    def link(self, obj: SectionPage) -> str:
        return seo.absolute_url(obj.get_url(self.request))

    def stories(self, obj: SectionPage):
        return selectors.section_stories(obj)


class SeriesFeed(StoryFeed):
    """A series' newest instalments (``/series/<slug>/feed/``)."""

    def get_object(self, request, slug: str) -> Series:
        return get_object_or_404(Series, slug=slug)

    def title(self, obj: Series) -> str:
        return f"{obj.title} — {self.site_name()}"

    def description(self, obj: Series) -> str:
        return obj.description or f"Stories in the series {obj.title}"

    subtitle = description

    def link(self, obj: Series) -> str:
        return seo.absolute_url(obj.get_absolute_url())

    def stories(self, obj: Series):
        return selectors.live_stories().filter(series=obj)


class AuthorFeed(StoryFeed):
    """An author's newest stories (``/authors/<slug>/feed/``)."""

    def get_object(self, request, slug: str) -> Author:
        return get_object_or_404(Author, slug=slug)

    def title(self, obj: Author) -> str:
        return f"{obj.name} — {self.site_name()}"

    def description(self, obj: Author) -> str:
        return seo.plain_text(obj.bio) or f"Stories by {obj.name}"

    subtitle = description

    def link(self, obj: Author) -> str:
        return seo.absolute_url(obj.get_absolute_url())

    def stories(self, obj: Author):
        return selectors.live_stories().filter(story_authors__author=obj).distinct()


def feed_view(feed_class: type[StoryFeed], feed_type=StoryRssFeed):
    """A view building a fresh feed object per request (the feed keeps the request)."""
    cls = type(
        f"{feed_class.__name__}{feed_type.__name__}", (feed_class,), {"feed_type": feed_type}
    )

    def view(request, *args, **kwargs):
        return cls()(request, *args, **kwargs)

    view.__name__ = cls.__name__
    view.__doc__ = feed_class.__doc__
    return view


site_rss = feed_view(StoryFeed)
site_atom = feed_view(StoryFeed, StoryAtomFeed)
section_rss = feed_view(SectionFeed)
section_atom = feed_view(SectionFeed, StoryAtomFeed)
series_rss = feed_view(SeriesFeed)
series_atom = feed_view(SeriesFeed, StoryAtomFeed)
author_rss = feed_view(AuthorFeed)
author_atom = feed_view(AuthorFeed, StoryAtomFeed)
