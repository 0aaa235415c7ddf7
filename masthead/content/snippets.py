"""Things stories point at: authors, series and videos (Wagtail snippets)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.search import index
from wagtail.snippets.models import register_snippet


@register_snippet
class Author(index.Indexed, models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    role = models.CharField(max_length=120, blank=True, help_text="e.g. Foreign correspondent")
    bio = RichTextField(blank=True, features=["bold", "italic", "link"])
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("role"),
        FieldPanel("bio"),
        FieldPanel("photo"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    api_fields = [APIField("name"), APIField("slug"), APIField("role"), APIField("bio")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("content:author", args=[self.slug])


@register_snippet
class Series(index.Indexed, models.Model):
    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=160, unique=True)
    description = models.TextField(blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("image"),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]
    api_fields = [APIField("title"), APIField("slug"), APIField("description")]

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("content:series", args=[self.slug])


class VideoTag(TaggedItemBase):
    """A tag on a video: a ``ParentalKey``, so the video's form and its tag
    manager (modelcluster's) keep the tags with the video until it is saved."""

    content_object = ParentalKey(
        "content.Video", on_delete=models.CASCADE, related_name="tagged_items"
    )


@register_snippet
class Video(index.Indexed, ClusterableModel):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    file = models.FileField(
        upload_to="videos/", blank=True, help_text="An uploaded video file (MP4 or WebM)."
    )
    embed_url = models.URLField(blank=True, help_text="Or a link to the video on another site.")
    poster = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duration_seconds = models.PositiveIntegerField(default=0)
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=120, blank=True)
    section = models.ForeignKey(
        "content.SectionPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="videos",
    )
    published_at = models.DateTimeField()
    tags = ClusterTaggableManager(through=VideoTag, blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        MultiFieldPanel([FieldPanel("file"), FieldPanel("embed_url")], heading="Source"),
        FieldPanel("poster"),
        FieldPanel("duration_seconds"),
        FieldPanel("caption"),
        FieldPanel("credit"),
        FieldPanel("section"),
        FieldPanel("published_at"),
        FieldPanel("tags"),
    ]
    search_fields = [
        index.SearchField("title"),
        index.SearchField("caption"),
        # the API searches published videos, found by id and ordered by date
        index.FilterField("id"),
        index.FilterField("published_at"),
    ]
    api_fields = [
        APIField("title"),
        APIField("slug"),
        APIField("embed_url"),
        APIField("duration_seconds"),
        APIField("caption"),
        APIField("credit"),
        APIField("published_at"),
    ]

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("content:video", args=[self.slug])

    @property
    def duration_display(self) -> str:
        minutes, seconds = divmod(self.duration_seconds, 60)
        return f"{minutes}:{seconds:02d}"
