from __future__ import annotations

from django import template

from masthead.recommendations.services import related_stories

register = template.Library()


@register.simple_tag
def more_on_this(story) -> list:
    """The story's stored "More on this" list (computed when it was published)."""
    return related_stories(story_id=story.pk) if story and story.pk else []
