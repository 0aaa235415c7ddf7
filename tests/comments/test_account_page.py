"""The reader's own comments on the account page: story, state, a link into the thread."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.comments.models import Comment
from tests.comments.factories import CommentFactory, reply_to
from tests.content.factories import publish_story

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def panel(html: str) -> str:
    found = re.search(
        r'<section class="panel"[^>]*id="acct-comments-panel">(.*?)</section>', html, re.S
    )
    assert found, "no comments panel on the account page"
    return found.group(1)


def rows(html: str) -> list[str]:
    """Each listed comment as the reader reads it: tags dropped, spaces folded."""
    items = re.findall(r'<li class="account-comments__row[^"]*">(.*?)</li>', panel(html), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def links(html: str) -> list[str]:
    return re.findall(r'<p class="account-comments__story">On <a href="([^"]+)"', panel(html))


def at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def test_a_reader_without_comments_is_told_so(reader_client, story):
    html = reader_client.get("/account/").content.decode()
    assert "You have not commented yet." in panel(html)


def test_the_reader_sees_their_comments_newest_first_with_story_and_state(
    reader_client, reader, story, section
):
    other_story = publish_story(section, title="Ferry timetable changes", slug="ferry")
    mine = reader.commenter
    CommentFactory(page_id=story.pk, author=mine, body="First thoughts.", created_at=at(0))
    CommentFactory(
        page_id=other_story.pk, author=mine, body="Held for a look.", status="pending",
        created_at=at(1),
    )  # fmt: skip
    CommentFactory(
        page_id=story.pk, author=mine, body="Taken down.", status="rejected", created_at=at(2)
    )
    CommentFactory(page_id=story.pk, author=mine, body="", deleted_at=at(4), created_at=at(3))
    response = reader_client.get("/account/")
    assert response.status_code == 200
    assert rows(response.content.decode()) == [
        "On Harbour reopens after the storm This comment was deleted. "
        "November 2, 2026 · Deleted by you",
        "On Harbour reopens after the storm Taken down. November 2, 2026 · Removed by a moderator",
        "On Ferry timetable changes Held for a look. "
        "November 2, 2026 · Pending: awaiting moderation",
        "On Harbour reopens after the storm First thoughts. November 2, 2026 · Published",
    ]


def test_the_account_page_with_comments_stays_private(reader_client, reader, story):
    CommentFactory(page_id=story.pk, author=reader.commenter, body="Mine.")
    response = reader_client.get("/account/")
    assert "Mine." in response.content.decode()
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control


def test_another_readers_comments_are_never_shown(reader_client, reader, other_reader, story):
    CommentFactory(
        page_id=story.pk, author=reader.commenter, body="Mine, and only mine.", created_at=at(0)
    )
    theirs = CommentFactory(page_id=story.pk, author=other_reader.commenter, body="Bo's view.")
    reply_to(theirs, author=other_reader.commenter, body="Bo again, replying.")
    CommentFactory(
        page_id=story.pk, author=other_reader.commenter, body="Bo held.", status="pending"
    )
    html = reader_client.get("/account/").content.decode()
    assert rows(html) == [
        "On Harbour reopens after the storm Mine, and only mine. November 2, 2026 · Published"
    ]
    assert "Bo" not in panel(html)


def test_a_hostile_comment_and_story_title_are_shown_as_text(reader_client, reader, section):
    hostile_story = publish_story(section, title='Ports <img src=x onerror="alert(1)">', slug="p")
    CommentFactory(
        page_id=hostile_story.pk,
        author=reader.commenter,
        body='<script>alert("owned")</script> & <a href="javascript:alert(2)">click</a>',
    )
    html = panel(reader_client.get("/account/").content.decode())
    assert "<script>" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; &amp; &lt;a href=" in html
    assert "Ports &lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_each_link_opens_the_thread_page_that_holds_the_comment(
    reader_client, reader, other_reader, story
):
    """Threads are paged by ten top-level comments, oldest first: a comment under
    the eleventh top-level comment is on the thread's second page."""
    for minute in range(10):
        CommentFactory(page_id=story.pk, author=other_reader.commenter, created_at=at(minute))
    early = CommentFactory(
        page_id=story.pk, author=reader.commenter, body="Early.", created_at=at(-5)
    )
    late = CommentFactory(
        page_id=story.pk, author=reader.commenter, body="Late.", created_at=at(20)
    )
    answer = reply_to(late, author=reader.commenter, body="Answering myself.", created_at=at(21))
    removed = CommentFactory(
        page_id=story.pk, author=reader.commenter, status="rejected", created_at=at(30)
    )
    thread = f"/comments/{story.pk}/"
    assert links(reader_client.get("/account/").content.decode()) == [
        f"{thread}#comments",
        f"{thread}?page=2#c{answer.pk}",
        f"{thread}?page=2#c{late.pk}",
        f"{thread}#c{early.pk}",
    ]
    assert removed.status == Comment.Status.REJECTED
    for comment, url in [(early, thread), (answer, f"{thread}?page=2"), (late, f"{thread}?page=2")]:
        page = reader_client.get(url).content.decode()
        assert f'id="c{comment.pk}"' in page and comment.body in page


def test_a_pending_comment_is_placed_where_its_author_sees_it(
    reader_client, reader, other_reader, story
):
    """Others' pending comments are not in the reader's thread, so they do not push theirs down."""
    for minute in range(12):
        CommentFactory(
            page_id=story.pk, author=other_reader.commenter, status="pending", created_at=at(minute)
        )
    mine = CommentFactory(
        page_id=story.pk, author=reader.commenter, status="pending", created_at=at(30)
    )
    assert links(reader_client.get("/account/").content.decode()) == [
        f"/comments/{story.pk}/#c{mine.pk}"
    ]


def numbers(html: str) -> list[str]:
    return [re.search(r"Comment (\d+)\.", row).group(1) for row in rows(html)]


def test_many_comments_are_paged_ten_at_a_time(reader_client, reader, story):
    for minute in range(23):
        CommentFactory(
            page_id=story.pk, author=reader.commenter, body=f"Comment {minute:02}.",
            created_at=at(minute),
        )  # fmt: skip
    first = reader_client.get("/account/").content.decode()
    assert numbers(first) == [f"{m:02}" for m in range(22, 12, -1)]
    assert 'href="?comments=2#acct-comments-panel"' in panel(first)
    assert "Page 1 of 3" in panel(first)
    last = reader_client.get("/account/", {"comments": "3"}).content.decode()
    assert numbers(last) == ["02", "01", "00"]
    assert 'href="?comments=2#acct-comments-panel"' in panel(last) and "Older" not in panel(last)


@pytest.mark.parametrize(
    ("value", "page"),
    [("abc", 1), ("-1", 3), ("0", 3), ("99999999999999999999999999", 3), ("%ff", 1), ("", 1)],
)
def test_a_malformed_page_number_answers_a_page(reader_client, reader, story, value, page):
    for minute in range(23):
        CommentFactory(page_id=story.pk, author=reader.commenter, created_at=at(minute))
    response = reader_client.get(f"/account/?comments={value}")
    assert response.status_code == 200
    assert f"Page {page} of 3" in panel(response.content.decode())


def test_a_page_of_comments_costs_the_same_queries_however_many(reader_client, reader, story):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert reader_client.get("/account/").status_code == 200
        return len(captured)

    CommentFactory(page_id=story.pk, author=reader.commenter, created_at=at(0))
    queries()  # the first request also fills per-process caches (site settings)
    few = queries()
    for minute in range(1, 30):
        top = CommentFactory(page_id=story.pk, author=reader.commenter, created_at=at(minute))
        reply_to(top, author=reader.commenter, created_at=at(minute))
    assert queries() == few
