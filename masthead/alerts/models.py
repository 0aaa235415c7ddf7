"""Series follows and the alerts they receive.

A **follow** is one address following one series: *pending* until the address
is confirmed (double opt-in), *active* while it gets alerts, *stopped* after an
unsubscribe. An **alert** is the announcement of one story's first
publication, one row per story (unique): the row is what makes "exactly one
alert per story" hold across edits, unpublish/republish and a second scheduled
publish, whatever the page events do.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from wagtail.admin.panels import FieldPanel


class SeriesFollow(models.Model):
    PENDING = "pending"
    ACTIVE = "active"
    STOPPED = "stopped"
    STATUSES = [(PENDING, "Awaiting confirmation"), (ACTIVE, "Active"), (STOPPED, "Stopped")]

    series = models.ForeignKey("content.Series", on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="series_follows",
    )
    email = models.EmailField(max_length=254)
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    panels = [FieldPanel("series"), FieldPanel("email"), FieldPanel("status")]

    class Meta:
        constraints = [
            models.UniqueConstraint("series", Lower("email"), name="alerts_follow_once_per_email")
        ]
        indexes = [models.Index(fields=["series", "status", "id"], name="alerts_follow_send")]

    def __str__(self) -> str:
        return f"{self.email} → {self.series}"


class SeriesAlert(models.Model):
    """The alert for one story's first publication (at most one per story)."""

    story_id = models.PositiveIntegerField(unique=True)
    series = models.ForeignKey("content.Series", on_delete=models.CASCADE, related_name="alerts")
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    url = models.URLField(max_length=500)
    image_url = models.URLField(max_length=500, blank=True)
    image_alt = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    send_ref = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def send_summary(self) -> str:
        """The alert's send as the admin lists it: status and counts."""
        if not self.send_ref:
            return "Not sent"
        from masthead.mail.bulk import bulk_send_progress

        p = bulk_send_progress(send_id=int(self.send_ref))
        return (
            f"{p['status']}: {p['sent']} sent, {p['failed']} failed, "
            f"{p['suppressed']} suppressed, {p['queued']} queued"
        )
