"""Template filters for comments: the text as HTML, and times as valid ``datetime`` values."""

from __future__ import annotations

from datetime import UTC, datetime

from django import template
from django.utils.safestring import SafeString

from ..text import body_html

register = template.Library()


@register.filter
def comment_html(text: str) -> SafeString:
    return body_html(text or "")


@register.filter
def iso_utc(value: datetime | None) -> str:
    """``2026-11-30T15:04:05Z``: whole seconds, so the HTML checker accepts it."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@register.filter
def thousands(value) -> str:
    """5000 -> "5,000"."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return ""
