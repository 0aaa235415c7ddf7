"""Comments never enter or flush the shared page cache."""

from __future__ import annotations

from django.core.cache import cache

from masthead.comments import moderation, services
from masthead.core.generation import generation_current
from masthead.core.models import SiteSettings
from masthead.pagecache.app import PageCacheApp
from tests.comments.factories import CommentFactory
from tests.pagecache.test_pagecache import call, warm


def _app():
    from django.core.wsgi import get_wsgi_application

    return PageCacheApp(get_wsgi_application())


def test_thread_pages_are_never_stored_and_comments_never_bump_the_generation(
    story, reader, other_reader, rules, django_capture_on_commit_callbacks
):
    cache.clear()
    SiteSettings.objects.update_or_create(defaults={"meter_allowance": 1000})
    app = _app()
    story_page = warm(app, story.url)
    assert story_page.status_code == 200
    assert "Show Comments" in story_page.text and "data-comments-count" in story_page.text
    generation = generation_current()

    thread = f"/comments/{story.pk}/"
    assert "No comments yet." in call(app, thread).text
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_post(user=reader, page_id=story.pk, text="Fresh words")
        services.comment_like(user=other_reader, comment_id=comment.pk)
        services.comment_edit(user=reader, comment_id=comment.pk, text="Fresher words")
        services.comment_report(user=other_reader, comment_id=comment.pk, reason="spam")
        moderation.comments_approve(comment_ids=[comment.pk], moderator=None)
    again = call(app, thread)
    assert "Fresher words" in again.text  # not a stored copy of the empty thread
    assert not any(key.endswith(thread) for key in app.local.entries)
    assert generation_current() == generation
    assert call(app, story.url).header("ETag") == story_page.header("ETag")


def test_the_counts_cache_follows_posts_and_moderation(
    client, story, reader, rules, django_capture_on_commit_callbacks
):
    url = f"/comments/counts/?pages={story.pk}"
    assert client.get(url).json()[str(story.pk)]["count"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_post(user=reader, page_id=story.pk, text="Counted")
    assert client.get(url).json()[str(story.pk)]["count"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        moderation.comments_reject(comment_ids=[comment.pk], moderator=None)
    assert client.get(url).json()[str(story.pk)]["count"] == 0


def test_a_cached_count_is_read_without_a_query(client, story, django_assert_num_queries):
    CommentFactory(page_id=story.pk)
    url = f"/comments/counts/?pages={story.pk}"
    client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url).json() == {str(story.pk): {"count": 1, "state": "open"}}


def test_closing_a_story_shows_in_the_counts_at_once(
    client, story, section, django_capture_on_commit_callbacks
):
    from masthead.comments.models import ThreadClosure

    url = f"/comments/counts/?pages={story.pk}"
    assert client.get(url).json()[str(story.pk)]["state"] == "open"
    with django_capture_on_commit_callbacks(execute=True):
        ThreadClosure.objects.create(page=section)
    assert client.get(url).json()[str(story.pk)]["state"] == "off"
