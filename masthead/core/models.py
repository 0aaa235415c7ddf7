"""Site-wide settings an editor changes in the admin (Settings → Site settings)."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable

from django.db import models, transaction
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

# The settings row, kept per process while the page-cache generation it was read
# under is current. Every save starts a new generation once it commits
# (content/signals.py), in every process; a save in this process forgets it at
# once and again at its commit. A copy is kept at most KEEP_SECONDS, so what no
# generation covers (a rolled-back save read in its own transaction, a bump lost
# to a cache outage, an .update()) heals by itself.
KEEP_SECONDS = 30.0
_loaded: dict[str, tuple[str, float, SiteSettings]] = {}
_clock = time.monotonic

# Where the current generation comes from. ``core`` imports no app: the page
# cache registers its reader here when it starts (pagecache/apps.py). Until one
# is registered every load reads the row.
_generation_source: Callable[[], str | None] | None = None


def site_settings_generation_source(source: Callable[[], str | None] | None) -> None:
    """Register the function that answers the site-wide generation (or None
    when it has none), under which a copy of the settings stays good."""
    global _generation_source
    _generation_source = source
    site_settings_forget()


def site_settings_forget() -> None:
    """Drop this process's copy (tests call it between tests: a rollback does not bump)."""
    _loaded.clear()


@register_setting(icon="cog")
class SiteSettings(BaseGenericSetting):
    site_name = models.CharField(max_length=80, default="The Masthead Courier")
    tagline = models.CharField(max_length=160, blank=True, default="Independent news, every day")
    meter_allowance = models.PositiveSmallIntegerField(
        default=3, help_text="Free stories an anonymous reader may read per period."
    )
    meter_period_days = models.PositiveSmallIntegerField(
        default=30, help_text="Length of the rolling metering period, in days."
    )
    registered_allowance = models.PositiveSmallIntegerField(
        default=5,
        help_text="Free stories per period for signed-in readers without a subscription.",
    )
    trial_weeks = models.PositiveSmallIntegerField(
        default=6, help_text="Length of the free digital subscription, in weeks."
    )
    terms_version = models.CharField(
        max_length=40,
        default="2026-01",
        help_text="Recorded with each reader's consent; change it when the terms change.",
    )
    terms_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        MultiFieldPanel([FieldPanel("site_name"), FieldPanel("tagline")], heading="Masthead"),
        MultiFieldPanel(
            [
                FieldPanel("meter_allowance"),
                FieldPanel("meter_period_days"),
                FieldPanel("registered_allowance"),
                FieldPanel("trial_weeks"),
            ],
            heading="Meter and trial",
        ),
        MultiFieldPanel(
            [FieldPanel("terms_version"), FieldPanel("terms_page"), FieldPanel("privacy_page")],
            heading="Terms and privacy",
        ),
    ]

    class Meta:
        verbose_name = "Site settings"

    def __str__(self) -> str:
        return self.site_name

    def save(self, *args, **kwargs) -> None:
        site_settings_forget()
        super().save(*args, **kwargs)
        transaction.on_commit(site_settings_forget)

    @classmethod
    def _get_or_create(cls) -> SiteSettings:
        """Wagtail's loader, answered from this process's copy while it is current.

        Costs one read of the shared generation instead of a query: the
        settings are read on nearly every request. Callers get a copy, so an
        edit to one (the admin's form) never leaks into another request.
        """
        generation = _generation_source() if _generation_source is not None else None
        if generation is None:  # nothing stored yet, or the cache is unreadable
            site_settings_forget()
            return super()._get_or_create()
        loaded = _loaded.get("site")
        if loaded is None or loaded[0] != generation or loaded[1] < _clock():
            loaded = (generation, _clock() + KEEP_SECONDS, super()._get_or_create())
            _loaded["site"] = loaded
        site = copy.copy(loaded[2])
        site._page_url_cache = {}  # Wagtail's per-instance cache: not shared between copies
        return site

    @classmethod
    def load_uncached(cls) -> SiteSettings:
        """The row as committed now, for code that starts a new generation from it."""
        return super()._get_or_create()
