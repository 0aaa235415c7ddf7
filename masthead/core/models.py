"""Site-wide settings an editor changes in the admin (Settings → Site settings)."""

from __future__ import annotations

import copy
import logging
import time

from django.db import DatabaseError, models, transaction
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .generation import generation_bump_on_commit, generation_current

# The settings row, kept per process while the content generation it was read
# under is current (core/generation.py). Every save starts a new generation once
# it commits, seen by every process; a save in this process forgets its copy at
# once and again at its commit. A copy is kept at most KEEP_SECONDS, so what no
# generation covers (a rolled-back save read in its own transaction, a bump lost
# to a cache outage, an .update()) heals by itself.
KEEP_SECONDS = 30.0
_loaded: dict[str, tuple[str, float, SiteSettings]] = {}
_clock = time.monotonic
logger = logging.getLogger(__name__)


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
        """The one write path for the settings (the admin's form calls it).

        Everything kept from them (this copy, the meter policy both the page
        cache and Django use, every stored page) is keyed on the generation,
        so replacing it after the commit is what makes every process obey a
        change on its next request.
        """
        site_settings_forget()
        super().save(*args, **kwargs)
        transaction.on_commit(site_settings_forget)
        generation_bump_on_commit()

    @classmethod
    def _get_or_create(cls) -> SiteSettings:
        """Wagtail's loader, answered from this process's copy while it is current.

        Costs a look at the in-memory generation instead of a query: the
        settings are read on nearly every request. Callers get a copy, so an
        edit to one (the admin's form) never leaks into another request.
        """
        site = copy.copy(cls.shared())
        site._page_url_cache = {}  # Wagtail's per-instance cache: not shared between copies
        return site

    @classmethod
    def shared(cls) -> SiteSettings:
        """This process's copy itself, for readers that never modify it (the meter
        policy on every story hit); the same object until the generation moves."""
        generation = generation_current()
        if generation is None:  # nothing stored yet, or the cache is unreadable
            site_settings_forget()
            return super()._get_or_create()
        loaded = _loaded.get("site")
        if loaded is None or loaded[0] != generation or loaded[1] < _clock():
            try:
                loaded = (generation, _clock() + KEEP_SECONDS, super()._get_or_create())
            except DatabaseError:
                if loaded is None:
                    raise
                # The database is away: a cached story hit (the meter reads its
                # policy here) must not become a 500 for want of a row that has
                # most likely not changed. The last copy serves until the next
                # try, one interval on, so a hit never waits on a dead server.
                logger.warning(
                    "site settings: the database is unreachable; serving this "
                    "process's last copy, next try in %.0f s",
                    KEEP_SECONDS,
                    exc_info=True,
                )
                loaded = (generation, _clock() + KEEP_SECONDS, loaded[2])
            _loaded["site"] = loaded
        return loaded[2]

    @classmethod
    def load_uncached(cls) -> SiteSettings:
        """The row as committed now, for code that starts a new generation from it."""
        return super()._get_or_create()
