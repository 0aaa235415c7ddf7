"""Newsletters and who takes them.

Deliberately small for now: the catalogue, and subscriptions with a status,
so the registration wall can put new readers on the daily newsletter. Issues
(editions), composition and sending come with the newsletter feature.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Newsletter(index.Indexed, models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    is_default = models.BooleanField(
        default=False,
        help_text="The daily newsletter: new readers from the registration wall receive it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("is_default"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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

    def __str__(self) -> str:
        return f"{self.email} → {self.newsletter}"
