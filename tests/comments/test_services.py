"""Readers' actions through the services: placement, duplicates, limits, rules, windows."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from masthead.comments import services
from masthead.comments.models import Comment, CommentSettings, ThreadClosure
from masthead.comments.services import CommentForbidden, CommentInvalid, CommentNotFound
from tests.comments.factories import CommentFactory, reply_to


def post(user, story, text="A fair point about the harbour.", **kw):
    return services.comment_post(user=user, page_id=story.pk, text=text, **kw)


def test_replies_nest_three_levels_then_sit_beside_with_replying_to(
    reader, other_reader, story, rules
):
    top = post(reader, story, "Top level")
    second = post(other_reader, story, "Second level", parent_id=top.pk)
    third = post(reader, story, "Third level", parent_id=second.pk)
    fourth = post(other_reader, story, "Fourth, flattened", parent_id=third.pk)
    assert [c.depth for c in (top, second, third, fourth)] == [1, 2, 3, 3]
    assert fourth.parent_id == second.pk and fourth.reply_to_id == third.pk
    assert {second.root_id, third.root_id, fourth.root_id} == {top.pk}


def test_the_same_submission_twice_is_one_comment(reader, story, rules):
    first = post(reader, story, "Same words")
    again = post(reader, story, "  same   WORDS ")
    assert again.pk == first.pk
    assert Comment.objects.count() == 1


def test_the_same_text_elsewhere_within_the_hour_is_refused(reader, story, section, rules):
    from tests.content.factories import publish_story

    other = publish_story(section, title="Another", slug="another")
    post(reader, story, "Copy and paste")
    with pytest.raises(CommentInvalid, match="already posted this comment"):
        post(reader, other, "Copy and paste")


def test_length_limit_is_the_site_setting(reader, story, rules):
    rules.max_length = 20
    rules.save()
    with pytest.raises(CommentInvalid) as refused:
        post(reader, story, "x" * 25)
    assert refused.value.message == (
        "Your comment is 25 characters long; the limit is 20. Please shorten it by 5."
    )
    with pytest.raises(CommentInvalid, match="Write your comment first"):
        post(reader, story, " \n\u200b ")


def test_first_comment_waits_then_counts_once_approved(new_user, story):
    comment = post(new_user, story, "Hello from a new reader", display_name="Newcomer")
    assert comment.status == "pending"
    assert comment.held_because == "one of the reader's first comments"
    assert comment.author.display_name == "Newcomer"


def test_a_banned_word_is_stored_rejected_and_refused(reader, story, rules):
    rules.banned_words = "blackguard"
    rules.save()
    with pytest.raises(CommentInvalid, match="not published"):
        post(reader, story, "You Blackguard")
    assert Comment.objects.get().status == "rejected"


def test_a_closed_story_an_off_section_and_an_old_story_refuse(reader, story, section, rules):
    ThreadClosure.objects.create(page=story)
    with pytest.raises(CommentForbidden, match="closed on this story"):
        post(reader, story)
    ThreadClosure.objects.all().delete()
    ThreadClosure.objects.create(page=section)
    with pytest.raises(CommentForbidden, match="turned off for this section"):
        post(reader, story)
    ThreadClosure.objects.all().delete()
    rules.close_after_days = 3
    rules.save()
    later = time_machine.travel(timezone.now() + timedelta(days=3))
    with later, pytest.raises(CommentForbidden, match="closed on this story"):
        post(reader, story)


def test_no_thread_on_a_section_or_an_unknown_page(reader, section, rules):
    with pytest.raises(CommentNotFound):
        services.comment_post(user=reader, page_id=section.pk, text="hi")
    with pytest.raises(CommentNotFound):
        services.comment_post(user=reader, page_id=999999, text="hi")


def test_edit_within_fifteen_minutes_only(reader, story, rules):
    comment = post(reader, story, "Frist")
    with time_machine.travel(timezone.now() + timedelta(minutes=14)):
        edited = services.comment_edit(user=reader, comment_id=comment.pk, text="First")
    assert edited.body == "First" and edited.edited_at is not None
    later = time_machine.travel(timezone.now() + timedelta(minutes=16))
    with later, pytest.raises(CommentForbidden, match="15 minutes"):
        services.comment_edit(user=reader, comment_id=comment.pk, text="Firstly")
    assert Comment.objects.get().body == "First"


def test_an_edit_goes_through_the_rules_again(reader, story, rules):
    comment = post(reader, story, "Plain")
    rules.suspect_words = "lottery"
    rules.save()
    edited = services.comment_edit(user=reader, comment_id=comment.pk, text="Plain lottery")
    assert edited.status == "pending"


def test_delete_keeps_the_place_and_the_replies(reader, other_reader, story, rules):
    top = post(reader, story, "To be withdrawn")
    answer = post(other_reader, story, "An answer", parent_id=top.pk)
    services.comment_delete(user=reader, comment_id=top.pk)
    top.refresh_from_db()
    assert top.deleted_at is not None and top.body == ""
    assert Comment.objects.get(pk=answer.pk).parent_id == top.pk


def test_others_cannot_edit_or_delete(reader, other_reader, story, rules):
    comment = post(reader, story, "Mine")
    with pytest.raises(CommentForbidden):
        services.comment_edit(user=other_reader, comment_id=comment.pk, text="Theirs")
    with pytest.raises(CommentForbidden):
        services.comment_delete(user=other_reader, comment_id=comment.pk)


def test_likes_count_once_and_not_for_oneself(reader, other_reader, story, rules):
    comment = post(reader, story, "Likeable")
    services.comment_like(user=other_reader, comment_id=comment.pk)
    liked = services.comment_like(user=other_reader, comment_id=comment.pk)
    assert liked.like_count == 1
    with pytest.raises(CommentForbidden):
        services.comment_like(user=reader, comment_id=comment.pk)
    assert (
        services.comment_like(user=other_reader, comment_id=comment.pk, like=False).like_count == 0
    )


def test_reports_count_once_per_reader(reader, other_reader, story, rules):
    comment = post(reader, story, "Reportable")
    services.comment_report(user=other_reader, comment_id=comment.pk, reason="abuse")
    services.comment_report(user=other_reader, comment_id=comment.pk, reason="spam")
    comment.refresh_from_db()
    assert comment.open_reports == 1
    with pytest.raises(CommentInvalid):
        services.comment_report(user=other_reader, comment_id=comment.pk, reason="because")


def test_a_banned_reader_is_refused(reader, story, rules):
    from masthead.comments.moderation import commenters_ban

    commenters_ban(commenter_ids=[reader.commenter.pk], moderator=None, reason="abuse")
    with pytest.raises(CommentForbidden, match="can no longer post comments"):
        post(reader, story)


def test_replies_to_a_withdrawn_comment_are_refused(reader, other_reader, story, rules):
    top = CommentFactory(page_id=story.pk, deleted_at=timezone.now(), body="")
    with pytest.raises(CommentInvalid, match="no longer available"):
        post(other_reader, story, "late answer", parent_id=top.pk)
    pending = reply_to(CommentFactory(page_id=story.pk), status="pending")
    with pytest.raises(CommentInvalid):
        post(other_reader, story, "early answer", parent_id=pending.pk)


def test_settings_default_length_is_five_thousand(db):
    assert CommentSettings.load().max_length == 5000
