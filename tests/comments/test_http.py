"""The thread page and every action over HTTP, as a reader's browser sends them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone

from masthead.comments.models import Comment, CommentReport, ThreadClosure
from tests.comments.factories import CommenterFactory, CommentFactory

FRAGMENT = {"X-Comments-Fragment": "1"}


def thread_url(story):
    return f"/comments/{story.pk}/"


def post_url(story):
    return f"/comments/{story.pk}/post/"


def test_anonymous_readers_see_the_thread_and_a_sign_in_prompt_back_to_the_story(client, story):
    CommentFactory(page_id=story.pk, body="Visible to all")
    page = client.get(thread_url(story))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Visible to all" in html
    assert 'href="/accounts/login/?next=%2Fworld%2Fharbour%2F%23comments"' in html
    assert "Sign in to join the discussion" in html
    assert "<textarea" not in html
    assert page["Cache-Control"] == "private, no-store"


def test_anonymous_post_goes_to_sign_in_and_stores_nothing(client, story):
    response = client.post(post_url(story), {"body": "hi", "display_name": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not Comment.objects.exists()


def test_post_and_reply_without_javascript(reader_client, other_reader, story, rules):
    answer = reader_client.post(
        post_url(story), {"body": "First!\n\nSecond para", "display_name": "Ada"}
    )
    comment = Comment.objects.get()
    assert (
        answer.status_code == 302 and answer["Location"] == f"/comments/{story.pk}/#c{comment.pk}"
    )
    page = reader_client.get(answer["Location"]).content.decode()
    assert "<p>First!</p><p>Second para</p>" in page
    assert "Your comment is published." in page

    other = Client()
    other.force_login(other_reader)
    form = other.get(f"/comments/c/{comment.pk}/reply/").content.decode()
    assert f'name="parent" value="{comment.pk}"' in form
    other.post(post_url(story), {"body": "A reply", "parent": comment.pk, "display_name": "Bo"})
    reply = Comment.objects.get(parent=comment)
    assert reply.body == "A reply"


def test_with_javascript_the_answer_is_the_thread_fragment(reader_client, story, rules):
    answer = reader_client.post(
        post_url(story), {"body": "Swapped in", "display_name": "Ada"}, headers=FRAGMENT
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and answer["X-Comments-Target"] == "thread"
    assert not html.lstrip().startswith("<!doctype")
    assert "Swapped in" in html and "1 comment" in html


def test_an_error_keeps_the_text_and_says_what_is_wrong(reader_client, story, rules):
    rules.max_length = 10
    rules.save()
    answer = reader_client.post(
        post_url(story), {"body": "Far too long a comment", "display_name": "Ada"}
    )
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "Your comment is 22 characters long; the limit is 10. Please shorten it by 12." in html
    assert ">Far too long a comment</textarea>" in html


def test_a_reply_error_with_javascript_answers_the_reply_form(reader_client, story, rules):
    parent = CommentFactory(page_id=story.pk)
    answer = reader_client.post(
        post_url(story), {"body": "", "parent": parent.pk, "display_name": "Ada"}, headers=FRAGMENT
    )
    assert answer.status_code == 400 and answer["X-Comments-Target"] == "form"
    assert "Write your comment first." in answer.content.decode()


def test_nobody_edits_or_deletes_another_readers_comment(reader_client, story, rules):
    theirs = CommentFactory(page_id=story.pk, body="Not yours")
    for path, data in [
        (f"/comments/c/{theirs.pk}/edit/", {"body": "Defaced"}),
        (f"/comments/c/{theirs.pk}/delete/", {}),
    ]:
        assert reader_client.get(path).status_code == 403
        answer = reader_client.post(path, data)
        assert answer.status_code == 403
        assert "You can only change your own comments." in answer.content.decode()
    theirs.refresh_from_db()
    assert theirs.body == "Not yours" and theirs.deleted_at is None


def test_edit_shows_edited_and_expires(reader_client, reader, story, rules):
    reader_client.post(post_url(story), {"body": "Teh harbour", "display_name": "Ada"})
    comment = Comment.objects.get()
    reader_client.post(f"/comments/c/{comment.pk}/edit/", {"body": "The harbour"})
    page = reader_client.get(thread_url(story)).content.decode()
    assert "The harbour" in page and '<span class="comment__edited">edited</span>' in page
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        late = reader_client.post(f"/comments/c/{comment.pk}/edit/", {"body": "Thee harbour"})
    assert late.status_code == 403
    assert "Comments can be changed for 15 minutes after posting." in late.content.decode()


def test_delete_shows_the_placeholder_and_keeps_replies(reader_client, reader, story, rules):
    reader_client.post(post_url(story), {"body": "Regrettable", "display_name": "Ada"})
    mine = Comment.objects.get()
    from tests.comments.factories import reply_to

    reply_to(mine, body="Still here")
    reader_client.post(f"/comments/c/{mine.pk}/delete/")
    page = reader_client.get(thread_url(story)).content.decode()
    assert "Regrettable" not in page
    assert "This comment was deleted." in page and "Still here" in page


def test_banned_readers_cannot_post(reader_client, reader, story, rules):
    from masthead.comments.moderation import commenters_ban

    commenters_ban(commenter_ids=[reader.commenter.pk], moderator=None)
    answer = reader_client.post(post_url(story), {"body": "Let me in", "display_name": "Ada"})
    assert answer.status_code == 403
    assert "Your account can no longer post comments." in answer.content.decode()
    assert not Comment.objects.exists()


def test_closed_threads_refuse_posts(reader_client, story, rules):
    ThreadClosure.objects.create(page=story)
    answer = reader_client.post(post_url(story), {"body": "Too late", "display_name": "Ada"})
    assert answer.status_code == 403
    html = answer.content.decode()
    assert "Comments are closed on this story." in html
    assert not Comment.objects.exists()


def test_report_with_a_reason(reader_client, story, rules):
    theirs = CommentFactory(page_id=story.pk)
    missing = reader_client.post(f"/comments/c/{theirs.pk}/report/", {"note": "hm"})
    assert missing.status_code == 400
    assert "Choose why you are reporting this comment." in missing.content.decode()
    done = reader_client.post(
        f"/comments/c/{theirs.pk}/report/", {"reason": "abuse", "note": "rude"}
    )
    assert done.status_code == 302
    report = CommentReport.objects.get()
    assert (report.reason, report.note) == ("abuse", "rude")


def test_like_and_sort_by_most_liked(reader_client, story, rules):
    quiet = CommentFactory(page_id=story.pk, body="Quiet one")
    loud = CommentFactory(page_id=story.pk, body="Loud one", like_count=3)
    reader_client.post(f"/comments/c/{quiet.pk}/like/", {"like": "1"})
    quiet.refresh_from_db()
    assert quiet.like_count == 1
    html = reader_client.get(thread_url(story) + "?sort=liked").content.decode()
    assert html.index("Loud one") < html.index("Quiet one")
    html = reader_client.get(thread_url(story) + "?sort=newest").content.decode()
    assert html.index("Loud one") < html.index("Quiet one")
    html = reader_client.get(thread_url(story)).content.decode()
    assert html.index("Quiet one") < html.index("Loud one")
    assert loud.pk


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/comments/counts/?pages=abc", 400),
        ("/comments/counts/?pages=", 400),
        ("/comments/counts/?pages=" + ",".join(["1"] * 51), 400),
        ("/comments/counts/?pages=99999999999999999999999", 400),
        ("/comments/999999/", 404),
        ("/comments/c/999999/reply/", 404),
        ("/comments/999999/?page=abc&sort=%00", 404),
    ],
)
def test_malformed_parameters_are_4xx(client, story, path, status):
    assert client.get(path).status_code == status


def test_odd_page_and_sort_values_fall_back(client, story):
    CommentFactory(page_id=story.pk, body="Still shown")
    answer = client.get(thread_url(story) + "?page=999&sort=%3Cscript%3E")
    assert answer.status_code == 200 and "Still shown" in answer.content.decode()


def test_malformed_form_fields_are_400(reader_client, story, rules):
    answer = reader_client.post(post_url(story), {"body": "ok", "parent": "abc"})
    assert answer.status_code == 400
    assert ">ok</textarea>" in answer.content.decode()


def test_every_action_needs_the_csrf_token(reader, story, rules):
    theirs = CommentFactory(page_id=story.pk)
    mine = CommentFactory(page_id=story.pk, author=reader.commenter)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reader)
    for path, data in [
        (post_url(story), {"body": "forged", "display_name": "x"}),
        (f"/comments/c/{mine.pk}/edit/", {"body": "forged"}),
        (f"/comments/c/{mine.pk}/delete/", {}),
        (f"/comments/c/{theirs.pk}/like/", {}),
        (f"/comments/c/{theirs.pk}/report/", {"reason": "spam"}),
    ]:
        assert strict.post(path, data).status_code == 403, path
    assert Comment.objects.count() == 2 and not CommentReport.objects.exists()
    mine.refresh_from_db()
    assert mine.deleted_at is None


@override_settings(RATELIMIT_COMMENT_ACCOUNT="2/h", RATELIMIT_COMMENT_IP="100/h")
def test_posting_is_rate_limited_per_account(reader_client, story, rules):
    from django.core.cache import cache

    cache.clear()
    for n in range(2):
        assert (
            reader_client.post(
                post_url(story), {"body": f"note {n}", "display_name": "A"}
            ).status_code
            == 302
        )
    over = reader_client.post(post_url(story), {"body": "note 3", "display_name": "A"})
    assert over.status_code == 429
    assert "You are commenting faster than we allow." in over.content.decode()
    assert ">note 3</textarea>" in over.content.decode()
    assert Comment.objects.count() == 2


@override_settings(RATELIMIT_COMMENT_ACCOUNT="100/h", RATELIMIT_COMMENT_IP="2/h")
def test_posting_is_rate_limited_per_connection(story, rules):
    from django.core.cache import cache

    cache.clear()
    statuses = []
    for n in range(3):
        user = CommenterFactory().user
        c = Client()
        c.force_login(user)
        statuses.append(
            c.post(post_url(story), {"body": f"from one line {n}", "display_name": "A"}).status_code
        )
    assert statuses == [302, 302, 429]


def test_pending_comments_show_to_their_author_only(client, new_user, story):
    c = Client()
    c.force_login(new_user)
    c.post(post_url(story), {"body": "Held back", "display_name": "Newbie"})
    own = c.get(thread_url(story)).content.decode()
    assert "Held back" in own and "Awaiting moderation" in own
    assert "Held back" not in client.get(thread_url(story)).content.decode()


def test_the_counts_endpoint(client, story, section, rules):
    CommentFactory.create_batch(3, page_id=story.pk)
    CommentFactory(page_id=story.pk, status="pending")
    data = client.get(f"/comments/counts/?pages={story.pk},{section.pk}").json()
    assert data == {str(story.pk): {"count": 3, "state": "open"}}


def test_the_thread_page_links_each_comment_and_has_valid_times(client, story):
    comment = CommentFactory(page_id=story.pk)
    html = client.get(thread_url(story)).content.decode()
    assert f'id="c{comment.pk}"' in html
    assert re.search(r'datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"', html)


def test_a_reader_who_never_commented_can_reply_like_and_report(client, new_user, story):
    theirs = CommentFactory(page_id=story.pk)
    client.force_login(new_user)
    html = client.get(thread_url(story)).content.decode()
    assert f'href="/comments/c/{theirs.pk}/reply/"' in html
    assert f'href="/comments/c/{theirs.pk}/report/"' in html
    assert f'action="/comments/c/{theirs.pk}/like/"' in html


def test_anonymous_and_banned_readers_get_no_action_buttons(client, reader, story):
    from masthead.comments.moderation import commenters_ban

    theirs = CommentFactory(page_id=story.pk)
    assert f"/comments/c/{theirs.pk}/reply/" not in client.get(thread_url(story)).content.decode()
    commenters_ban(commenter_ids=[reader.commenter.pk], moderator=None)
    client.force_login(reader)
    html = client.get(thread_url(story)).content.decode()
    assert f"/comments/c/{theirs.pk}/reply/" not in html
    assert "Your account can no longer post comments." in html
