"""Editors pin a video to the top of every reader's "Your Three" (Snippets → Pinned videos)."""

from __future__ import annotations

from django import forms
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from masthead.analytics.catalogue import catalogue
from masthead.analytics.models import VIDEO

from .models import VideoPin


def _video_choices():
    return [(item.id, item.title) for item in catalogue().recent(VIDEO, limit=500)]


class VideoPinViewSet(SnippetViewSet):
    model = VideoPin
    icon = "pick"
    menu_label = "Pinned videos"
    list_display = ["__str__", "active", "pinned_at"]
    panels = [
        FieldPanel("video_id", widget=forms.Select(choices=_video_choices)),
        FieldPanel("note"),
        FieldPanel("active"),
    ]


register_snippet(VideoPinViewSet)
