"""A reader's comments when they download their data or delete their account."""

from __future__ import annotations

from masthead.accounts.services import account_delete, account_export
from masthead.comments.models import Comment, Commenter
from tests.comments.factories import CommentFactory, reply_to


def test_export_lists_the_readers_comments(reader, story):
    CommentFactory(page_id=story.pk, author=reader.commenter, body="Mine to take away")
    exported = account_export(user=reader)
    assert [c["text"] for c in exported["comments"]] == ["Mine to take away"]


def test_deleting_an_account_erases_its_comments_but_keeps_the_threads_shape(client, reader, story):
    top = CommentFactory(page_id=story.pk, author=reader.commenter, body="Soon gone")
    reply_to(top, body="An answer that stays")
    account_delete(user=reader)
    top.refresh_from_db()
    assert (top.body, top.author_id) == ("", None)
    assert not Commenter.objects.filter(display_name="Ada Reader").exists()
    html = client.get(f"/comments/{story.pk}/").content.decode()
    assert "Soon gone" not in html
    assert "This comment was deleted." in html and "An answer that stays" in html
    assert Comment.objects.count() == 2
