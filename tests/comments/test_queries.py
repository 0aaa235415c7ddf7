"""A page of a 5,000-comment thread costs the same queries as a ten-comment one."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.comments.models import Comment, CommentLike
from masthead.comments.selectors import ROOTS_PER_PAGE
from tests.comments.factories import CommenterFactory
from tests.content.factories import publish_story


def build_thread(story, size: int, authors) -> None:
    """``size`` comments: top-level ones, each with two replies and one reply to a reply."""
    now = timezone.now()
    made = 0
    while made < size:
        root = Comment.objects.create(
            page_id=story.pk, author=authors[made % len(authors)], body=f"Top {made}",
            created_at=now, depth=1,
        )  # fmt: skip
        made += 1
        rows = []
        for n in range(min(3, size - made)):
            rows.append(
                Comment(
                    page_id=story.pk,
                    author=authors[(made + n) % len(authors)],
                    body=f"Reply {made + n}",
                    parent=root,
                    root=root,
                    reply_to=root,
                    depth=2,
                    created_at=now,
                )  # fmt: skip
            )
        Comment.objects.bulk_create(rows)
        made += len(rows)


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_first_page_queries_do_not_grow_with_the_thread(client, section, reader, rules):
    authors = CommenterFactory.create_batch(5)
    small = publish_story(section, title="Small", slug="small")
    large = publish_story(section, title="Large", slug="large")
    build_thread(small, 10, authors)
    build_thread(large, 5000, authors)
    CommentLike.objects.create(
        comment=Comment.objects.filter(page_id=large.pk).first(), user=reader
    )
    client.force_login(reader)
    client.get(f"/comments/{small.pk}/")  # the session and the site's root paths, once
    small_count = queries_for(client, f"/comments/{small.pk}/")
    large_count = queries_for(client, f"/comments/{large.pk}/")
    later_page = queries_for(client, f"/comments/{large.pk}/?page=7&sort=liked")
    assert small_count == large_count == later_page
    html = client.get(f"/comments/{large.pk}/").content.decode()
    assert html.count('class="comment ') + html.count('class="comment"') == ROOTS_PER_PAGE * 4
    assert "Page 1 of 125" in html


def test_anonymous_first_page_query_count(client, section, rules, django_assert_num_queries):
    from django.core.cache import cache

    cache.clear()  # no page-cache generation: the site settings are read, not reused
    authors = CommenterFactory.create_batch(3)
    story = publish_story(section, title="Busy", slug="busy")
    build_thread(story, 200, authors)
    client.get(f"/comments/{story.pk}/")  # the site's root paths are cached after this
    # comment settings; view restrictions, story, parent (the resolver); closures;
    # roots counted and fetched; their branches; the total; then the page frame:
    # site settings, site, section navigation
    with django_assert_num_queries(12):
        client.get(f"/comments/{story.pk}/")
