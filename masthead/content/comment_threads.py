"""Which pages carry a comment thread: live, public stories.

The comments app sits below content and never imports it; it asks through
the resolver registered here at start-up (``apps.ContentConfig.ready``).
"""

from __future__ import annotations

from masthead.comments.targets import ThreadTarget, register_thread_resolver


def story_thread(page_id: int) -> ThreadTarget | None:
    from .models import StoryPage

    story = (
        StoryPage.objects.live()
        .public()
        .filter(pk=page_id)
        .only("id", "title", "url_path", "path", "depth", "first_published_at")
        .first()
    )
    if story is None:
        return None
    parent = story.get_parent()
    return ThreadTarget(
        page_id=story.pk,
        title=story.title,
        url=story.get_url() or "/",
        published_at=story.first_published_at,
        section_id=parent.pk if parent else None,
    )


def register() -> None:
    register_thread_resolver(story_thread)
