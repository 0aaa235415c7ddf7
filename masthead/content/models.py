"""Wagtail pages: the home page, sections, stories and plain pages (terms, privacy).

Pages declare content and structure; choices such as "which story comes next"
live in ``selectors.py`` so they can be tested without HTTP.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Orderable, Page
from wagtail.search import index

from masthead.pagecache import marking as pagecache

from . import selectors
from .blocks import StoryBodyBlock
from .snippets import Author, Series, Video, VideoTag  # noqa: F401  (register snippets)

SECTION_PAGE_SIZE = 20


class HomePage(Page):
    """The front page: the lead story and a rail per section."""

    intro = models.CharField(max_length=250, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["content.SectionPage", "content.StandardPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.front_page(self))
        return context


class SectionPage(Page):
    """A section of the paper (World, Politics, ...); stories live under it."""

    description = models.CharField(max_length=250, blank=True)

    content_panels = Page.content_panels + [FieldPanel("description")]
    subpage_types = ["content.StoryPage"]
    parent_page_types = ["content.HomePage"]
    api_fields = [APIField("description")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Paginator.get_page turns "?page=abc" or "?page=999" into a real page, never a 500.
        context["stories"] = stories = Paginator(
            selectors.section_stories(self), SECTION_PAGE_SIZE
        ).get_page(request.GET.get("page"))
        # The one query parameter this page reads: its canonical value is stored
        # (a "?page=999" shown as the last page, or "?page=1", is not: bounded keys).
        pagecache.mark_cacheable(
            request, query={"page": str(stories.number)} if stories.number > 1 else {}
        )
        return context


class StoryTag(TaggedItemBase):
    content_object = ParentalKey(
        "content.StoryPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class StoryAuthor(Orderable):
    """An author credited on a story, in byline order."""

    story = ParentalKey("content.StoryPage", on_delete=models.CASCADE, related_name="story_authors")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="story_credits")

    panels = [FieldPanel("author")]
    api_fields = [APIField("author")]


class StoryPage(Page):
    """A news story."""

    deck = models.CharField(
        max_length=300, blank=True, help_text="Optional standfirst under the headline."
    )
    lead_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_image_alt = models.CharField(
        max_length=250, blank=True, help_text="Describe the picture for readers who cannot see it."
    )
    lead_image_caption = models.CharField(max_length=300, blank=True)
    lead_image_credit = models.CharField(
        max_length=160, blank=True, help_text="e.g. Jane Doe/Masthead"
    )
    body = StreamField(StoryBodyBlock(), blank=True)
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="stories"
    )
    tags = ClusterTaggableManager(through=StoryTag, blank=True)
    source_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="Credit another outlet's reporting, e.g. The Daily Ledger",
    )
    source_url = models.URLField(blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("deck"),
        MultiFieldPanel(
            [
                FieldPanel("lead_image"),
                FieldPanel("lead_image_alt"),
                FieldPanel("lead_image_caption"),
                FieldPanel("lead_image_credit"),
            ],
            heading="Lead image",
        ),
        InlinePanel("story_authors", label="Authors", min_num=1),
        FieldPanel("body"),
        FieldPanel("series"),
        FieldPanel("tags"),
        MultiFieldPanel([FieldPanel("source_name"), FieldPanel("source_url")], heading="Via"),
    ]
    search_fields = Page.search_fields + [index.SearchField("deck"), index.SearchField("body")]
    api_fields = [
        APIField("deck"),
        APIField("lead_image"),
        APIField(
            "lead_image_thumbnail",
            serializer=ImageRenditionField("fill-800x450", source="lead_image"),
        ),
        APIField("lead_image_caption"),
        APIField("lead_image_credit"),
        APIField("body"),
        APIField("series"),
        APIField("tags"),
        APIField("story_authors"),
        APIField("source_name"),
        APIField("source_url"),
        APIField("first_published_at"),
    ]
    parent_page_types = ["content.SectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "story"
        verbose_name_plural = "stories"

    def clean(self) -> None:
        super().clean()
        if self.source_url and not self.source_name:
            raise ValidationError(
                {"source_name": "Name the outlet whose reporting the link credits."}
            )

    @property
    def authors(self) -> list[Author]:
        return [credit.author for credit in self.story_authors.all()]

    @property
    def section(self) -> SectionPage | None:
        parent = self.get_parent()
        return parent.specific if parent else None

    @property
    def published(self):
        return self.first_published_at or self.latest_revision_created_at

    def serve(self, request, *args, **kwargs):
        """The meter decides whole or walled before rendering (metering/access.py);
        the page cache is told which copy this is, or that it is not for sharing."""
        from masthead.metering.access import story_access
        from masthead.metering.meter import METER_COOKIE

        access = request.story_access = story_access(request, self)
        response = super().serve(request, *args, **kwargs)
        if access.anonymous:
            variant = pagecache.WALLED if access.walled else pagecache.WHOLE
            pagecache.mark_cacheable(
                request, variant=variant, story_id=self.pk, reader_cookie=METER_COOKIE
            )
        else:  # staff, subscribers, signed-in meters, previews
            pagecache.mark_uncacheable(request)
        return access.apply(response)

    def get_context(self, request, *args, **kwargs):
        from masthead.metering.access import WALL_PREVIEW_BLOCKS

        context = super().get_context(request, *args, **kwargs)
        context["next_story"] = selectors.next_story(self)
        access = getattr(request, "story_access", None)
        context["walled"] = bool(access and access.walled)
        context["wall_preview_blocks"] = WALL_PREVIEW_BLOCKS
        return context


class StandardPage(Page):
    """A plain page: terms of service, privacy policy, about us."""

    body = RichTextField(features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("body")]
    parent_page_types = ["content.HomePage"]
    subpage_types: list[str] = []
