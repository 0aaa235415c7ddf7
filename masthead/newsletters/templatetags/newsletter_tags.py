"""Template tags for pages of apps above this one (story pages, the account page),
so they can show newsletter pieces without importing this app."""

from __future__ import annotations

from django import template

from ..models import Newsletter, NewsletterSubscription
from ..services import newsletters_active, reader_subscriptions

register = template.Library()


@register.simple_tag
def story_newsletter() -> Newsletter | None:
    """The newsletter offered under every story: the first one editors marked
    "on stories", else the daily newsletter."""
    active = newsletters_active()
    return active.filter(on_stories=True).first() or active.filter(is_default=True).first()


@register.simple_tag
def account_newsletters(user) -> list[dict]:
    """Every active newsletter with the reader's state: "active", "pending" or ""."""
    mine = reader_subscriptions(user)
    rows = []
    for newsletter in newsletters_active():
        sub = mine.get(newsletter.pk)
        state = sub.status if sub and sub.status != NewsletterSubscription.UNSUBSCRIBED else ""
        rows.append({"newsletter": newsletter, "state": state})
    return rows
