"""The wall's questions about the reader, for templates."""

from __future__ import annotations

from django import template

from ..entitlements import reader_entitlement

register = template.Library()


@register.simple_tag
def wall_entitlement(user):
    """The reader's trial or subscription, active or the one that ended last."""
    return reader_entitlement(user)
