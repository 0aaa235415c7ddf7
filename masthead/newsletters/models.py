"""Newsletters, who takes them, and the editions they send.

A **subscription** is one address on one newsletter: *pending* until the
address is confirmed (double opt-in), *active* while it receives editions,
*unsubscribed* after it left (the row stays, so the chart and a later
re-subscribe keep its history). An **edition** is one issue of a newsletter:
composed as a *draft* from the day's stories, curated by an editor, then
*scheduled* or sent; its items are snapshots of the stories, so a sent edition
reads the same forever (its web version).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Orderable
from wagtail.search import index


class Newsletter(index.Indexed, models.Model):
    DAILY = "daily"
    WEEKLY = "weekly"
    OCCASIONAL = "occasional"
    FREQUENCIES = [(DAILY, "Daily"), (WEEKLY, "Weekly"), (OCCASIONAL, "Occasional")]

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    frequency = models.CharField(
        max_length=12,
        choices=FREQUENCIES,
        default=DAILY,
        help_text="Daily and weekly editions are composed automatically; occasional ones by hand.",
    )
    sort_order = models.PositiveSmallIntegerField(
        default=100, help_text="Lower numbers come first in the catalogue."
    )
    active = models.BooleanField(
        default=True, help_text="Inactive newsletters leave the catalogue and take no sign-ups."
    )
    sender_name = models.CharField(
        max_length=80,
        blank=True,
        help_text="The From name of its emails (default: the site's name).",
    )
    section = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Compose from this section's stories only (empty: every story).",
    )
    on_stories = models.BooleanField(
        default=False,
        help_text="Offer this newsletter's sign-up box under every story "
        "(editors can also place a box inside a story's body).",
    )
    is_default = models.BooleanField(
        default=False,
        help_text="The daily newsletter: new readers from the registration wall receive it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("frequency"), FieldPanel("sort_order")]),
        FieldPanel("sender_name"),
        FieldPanel("section"),
        FieldRowPanel([FieldPanel("active"), FieldPanel("on_stories"), FieldPanel("is_default")]),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("newsletters:catalogue") + f"#newsletter-{self.slug}"


class NewsletterSubscription(models.Model):
    PENDING = "pending"
    ACTIVE = "active"
    UNSUBSCRIBED = "unsubscribed"
    STATUSES = [
        (PENDING, "Awaiting confirmation"),
        (ACTIVE, "Active"),
        (UNSUBSCRIBED, "Unsubscribed"),
    ]

    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="subscriptions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="newsletter_subscriptions",
    )
    email = models.EmailField(max_length=254)
    status = models.CharField(max_length=20, choices=STATUSES, default=PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    panels = [
        FieldPanel("newsletter"),
        FieldPanel("email"),
        FieldPanel("status"),
    ]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "newsletter", Lower("email"), name="newsletters_subscription_once_per_email"
            )
        ]
        indexes = [models.Index(fields=["newsletter", "status", "id"], name="newsletters_sub_send")]

    def __str__(self) -> str:
        return f"{self.email} → {self.newsletter}"


class Edition(ClusterableModel):
    """One issue of a newsletter; what it sends is its items, in order."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    PARTIAL = "partial"
    FAILED = "failed"
    STATUSES = [
        (DRAFT, "Draft"),
        (SCHEDULED, "Scheduled"),
        (SENDING, "Sending"),
        (SENT, "Sent"),
        (PARTIAL, "Finished with failures"),
        (FAILED, "Failed"),
    ]

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="editions")
    issue_date = models.DateField(help_text="The day (site time) whose stories it carries.")
    subject = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="A few words above the stories (plain text).")
    status = models.CharField(max_length=10, choices=STATUSES, default=DRAFT)
    send_at = models.DateTimeField(
        null=True, blank=True, help_text="When a scheduled edition goes out."
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    send_ref = models.CharField(
        max_length=64, blank=True, help_text="The sending engine's id for this edition's send."
    )
    composed_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("newsletter"),
        FieldPanel("subject"),
        FieldPanel("issue_date"),
        FieldPanel("intro"),
        InlinePanel("items", label="Stories", heading="Stories (drag to reorder, delete to cut)"),
        MultiFieldPanel([FieldPanel("send_at")], heading="Schedule"),
    ]

    class Meta:
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "issue_date"], name="newsletters_edition_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.newsletter} — {self.issue_date:%B %-d, %Y}"

    def get_absolute_url(self) -> str:
        return reverse("newsletters:edition", args=[self.newsletter.slug, self.pk])

    @property
    def is_public(self) -> bool:
        """Readers see sent editions only: a draft may still change."""
        return self.status in (self.SENT, self.PARTIAL)


class EditionItem(Orderable):
    """A story in an edition, as it was when the edition was composed (editable)."""

    edition = ParentalKey(Edition, on_delete=models.CASCADE, related_name="items")
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    url = models.URLField(max_length=500)
    image_url = models.URLField(max_length=500, blank=True)
    image_alt = models.CharField(max_length=250, blank=True)

    panels = [FieldPanel("title"), FieldPanel("summary"), FieldPanel("url")]

    def __str__(self) -> str:
        return self.title


@register_setting(icon="mail")
class NewsletterSettings(BaseGenericSetting):
    """When editions are composed and sent, in the site's time zone."""

    compose_time = models.TimeField(
        default=datetime.time(6, 0),
        help_text="Daily and weekly editions are composed at this time.",
    )
    send_time = models.TimeField(
        null=True,
        blank=True,
        default=datetime.time(7, 0),
        help_text="Composed editions go out at this time unless an editor changes them; "
        "empty: they wait as drafts until an editor sends them.",
    )
    weekly_day = models.PositiveSmallIntegerField(
        default=0,
        choices=[
            (0, "Monday"),
            (1, "Tuesday"),
            (2, "Wednesday"),
            (3, "Thursday"),
            (4, "Friday"),
            (5, "Saturday"),
            (6, "Sunday"),
        ],  # fmt: skip
        help_text="The day weekly editions are composed (from the seven days before).",
    )

    panels = [FieldPanel("compose_time"), FieldPanel("send_time"), FieldPanel("weekly_day")]

    class Meta:
        verbose_name = "Newsletter settings"
