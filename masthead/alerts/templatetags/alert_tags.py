"""Template tags for the account page (an app above this one)."""

from __future__ import annotations

from django import template

from ..services import reader_follows

register = template.Library()


@register.simple_tag
def account_follows(user) -> list:
    return reader_follows(user)
