"""Newsletters in the admin's Snippets menu."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Newsletter, NewsletterSubscription


class NewsletterViewSet(SnippetViewSet):
    model = Newsletter
    icon = "mail"
    list_display = ["name", "slug", "is_default"]
    search_fields = ["name"]


class NewsletterSubscriptionViewSet(SnippetViewSet):
    model = NewsletterSubscription
    icon = "user"
    list_display = ["email", "newsletter", "status", "created_at"]
    list_filter = ["newsletter", "status"]
    search_fields = ["email"]


register_snippet(NewsletterViewSet)
register_snippet(NewsletterSubscriptionViewSet)
