"""Email as data: one ``Delivery`` per (message, recipient), then sending.

A delivery row is written in the caller's transaction together with the task
that sends it, so a crash loses nothing; its unique ``key`` makes enqueueing
idempotent, and its status makes sending idempotent.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class Delivery(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    # Unique through Meta.constraints: a plain unique index, without the
    # LIKE-pattern index PostgreSQL gets for ``unique=True``, which nothing uses.
    key = models.CharField(
        max_length=200,
        help_text="Idempotency key: the same key never produces a second email.",
    )
    to = models.EmailField(max_length=254)  # found by LOWER("to"), see Meta.indexes
    template = models.CharField(max_length=200)
    context = models.JSONField(default=dict, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # When the next attempt is due; the sweep re-enqueues rows left behind.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Set when a worker claims the row for sending; a stale claim means it died.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["key"], name="mail_delivery_key_unique")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="mail_delivery_due"),
            # a reader's emails in any case (export, deletion): see core.emails
            models.Index(Lower("to"), name="mail_delivery_to_ci"),
        ]

    def __str__(self) -> str:
        return f"{self.template} → {self.to} ({self.status})"


class MailboxMessage(models.Model):
    """An email captured by the demo's ``MailboxBackend`` instead of being sent."""

    subject = models.CharField(max_length=998, blank=True)
    from_email = models.CharField(max_length=998, blank=True)
    to = models.TextField(blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject
