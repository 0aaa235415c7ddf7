"""Newsletters, subscriptions, editions and settings in the admin."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views
from .models import Edition, Newsletter, NewsletterSubscription


class NewsletterViewSet(SnippetViewSet):
    model = Newsletter
    icon = "mail"
    list_display = ["name", "frequency", "sort_order", "active", "is_default"]
    list_filter = ["active", "frequency"]
    search_fields = ["name"]


class NewsletterSubscriptionViewSet(SnippetViewSet):
    model = NewsletterSubscription
    icon = "user"
    list_display = ["email", "newsletter", "status", "created_at"]
    list_filter = ["newsletter", "status"]
    search_fields = ["email"]


class EditionViewSet(SnippetViewSet):
    model = Edition
    icon = "doc-full"
    list_display = ["subject", "newsletter", "issue_date", "status", "send_at"]
    list_filter = ["newsletter", "status"]
    search_fields = ["subject"]


class NewsletterGroup(SnippetViewSetGroup):
    menu_label = "Newsletters"
    menu_icon = "mail"
    menu_order = 250
    items = (NewsletterViewSet, EditionViewSet, NewsletterSubscriptionViewSet)


register_snippet(NewsletterGroup)


@hooks.register("register_admin_urls")
def _urls():
    return [
        path("newsletters/editions/<int:pk>/", admin_views.edition_desk,
             name="newsletters_edition_desk"),
        path("newsletters/editions/<int:pk>/preview.<str:part>", admin_views.edition_preview,
             name="newsletters_edition_preview"),
        path("newsletters/editions/<int:pk>/progress/", admin_views.edition_progress_json,
             name="newsletters_edition_progress"),
        path("newsletters/<int:pk>/chart/", admin_views.newsletter_chart,
             name="newsletters_chart"),
    ]  # fmt: skip


@hooks.register("register_snippet_listing_buttons")
def _listing_buttons(snippet, user, next_url=None):
    if isinstance(snippet, Edition) and user.has_perm("newsletters.change_edition"):
        url = reverse("newsletters_edition_desk", args=[snippet.pk])
        yield MenuItem("Preview, test and send", url, icon_name="mail", priority=5)
    if isinstance(snippet, Newsletter) and user.has_perm("newsletters.change_newsletter"):
        url = reverse("newsletters_chart", args=[snippet.pk])
        yield MenuItem("Subscribers chart", url, icon_name="view", priority=5)
