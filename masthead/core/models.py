"""Site-wide settings an editor changes in the admin (Settings → Site settings)."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


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
