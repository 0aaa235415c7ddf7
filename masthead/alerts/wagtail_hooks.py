"""Series follows and alerts in the admin."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import SeriesAlert, SeriesFollow


class SeriesFollowViewSet(SnippetViewSet):
    model = SeriesFollow
    icon = "user"
    list_display = ["email", "series", "status", "created_at"]
    list_filter = ["series", "status"]
    search_fields = ["email"]


class SeriesAlertViewSet(SnippetViewSet):
    model = SeriesAlert
    icon = "mail"
    list_display = ["title", "series", "created_at", "send_summary"]
    list_filter = ["series"]
    search_fields = ["title"]
    inspect_view_enabled = True


class AlertsGroup(SnippetViewSetGroup):
    menu_label = "Series alerts"
    menu_icon = "mail"
    menu_order = 260
    items = (SeriesFollowViewSet, SeriesAlertViewSet)


register_snippet(AlertsGroup)
