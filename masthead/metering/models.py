"""What the meter, the wall and trials remember about readers.

``Read`` is the signed-in reader's meter (carried across devices); the
anonymous meter is a cookie (``meter.py``). ``Entitlement`` is a period of
unmetered reading (a trial or a paid subscription). ``TrialGrant`` remembers
that an email address has had its trial, by hash, so the fact survives the
account's deletion without keeping the address. ``Consent`` records who agreed
to which terms, when and from where.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Read(models.Model):
    """A story a signed-in reader has read; one row per reader and story."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    story = models.ForeignKey("content.StoryPage", on_delete=models.CASCADE, related_name="+")
    first_read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "story"], name="metering_read_once")]
        indexes = [models.Index(fields=["user", "first_read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.story_id}"


class EntitlementQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(starts_at__lte=at, ends_at__gt=at)


class Entitlement(models.Model):
    """A period during which a reader reads without the meter."""

    TRIAL = "trial"
    PAID = "paid"
    KINDS = [(TRIAL, "Free trial"), (PAID, "Paid subscription")]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entitlements"
    )
    kind = models.CharField(max_length=10, choices=KINDS)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EntitlementQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["user", "ends_at"])]
        ordering = ["-ends_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} until {self.ends_at:%Y-%m-%d}"

    @property
    def active(self) -> bool:
        now = timezone.now()
        return self.starts_at <= now < self.ends_at

    @property
    def ended(self) -> bool:
        return self.ends_at <= timezone.now()


class TrialGrant(models.Model):
    """One trial per email address, ever: keyed by a hash of the normalised address."""

    email_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"trial granted {self.granted_at:%Y-%m-%d}"


class Consent(models.Model):
    """A reader's agreement to the terms and privacy policy, as it happened."""

    WALL = "wall"
    WELCOME = "welcome"
    SOURCES = [(WALL, "Registration wall"), (WELCOME, "Account set-up")]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    terms_version = models.CharField(max_length=40)
    agreed_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=20, choices=SOURCES)

    class Meta:
        ordering = ["-agreed_at"]

    def __str__(self) -> str:
        return f"terms {self.terms_version} agreed {self.agreed_at:%Y-%m-%d %H:%M}"
