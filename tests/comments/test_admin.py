"""Moderation in the Wagtail admin: queues, bulk actions, history, bans, dashboard."""

from __future__ import annotations

from django.test import Client

from masthead.comments.models import Comment, Commenter, CommentReport
from tests.comments.factories import CommenterFactory, CommentFactory

LIST = "/admin/snippets/comments/comment/"


def bulk(admin_client, model: str, action: str, ids, data=None):
    query = "&".join(f"id={i}" for i in ids)
    url = f"/admin/bulk/comments/{model}/{action}/?next={LIST}&{query}"
    return admin_client.post(url, data or {})


def test_queues_list_what_waits(admin_client, story):
    pending = CommentFactory(page_id=story.pk, body="Waiting for a moderator", status="pending")
    reported = CommentFactory(page_id=story.pk, body="Someone objected", open_reports=1)
    rejected = CommentFactory(page_id=story.pk, body="Gone for good", status="rejected")
    fine = CommentFactory(page_id=story.pk, body="Nothing wrong here")
    pages = {
        q: admin_client.get(f"{LIST}?queue={q}").content.decode()
        for q in ("pending", "reported", "rejected", "all")
    }
    assert pending.body in pages["pending"] and fine.body not in pages["pending"]
    assert reported.body in pages["reported"] and pending.body not in pages["reported"]
    assert rejected.body in pages["rejected"] and fine.body not in pages["rejected"]
    assert all(c.body in pages["all"] for c in (pending, reported, rejected, fine))


def test_bulk_approve_and_reject(admin_client, story):
    one, two = CommentFactory.create_batch(2, page_id=story.pk, status="pending")
    reported = CommentFactory(page_id=story.pk, open_reports=1)
    CommentReport.objects.create(comment=reported, reporter=CommenterFactory().user, reason="spam")
    confirm = admin_client.get(
        f"/admin/bulk/comments/comment/approve/?next={LIST}&id={one.pk}&id={two.pk}"
    )
    assert "Approve these 2 comments?" in confirm.content.decode()
    assert bulk(admin_client, "comment", "approve", [one.pk, two.pk]).status_code == 302
    assert set(
        Comment.objects.filter(pk__in=[one.pk, two.pk]).values_list("status", flat=True)
    ) == {"published"}
    one.author.refresh_from_db()
    assert one.author.approved_count == 6
    bulk(admin_client, "comment", "reject", [reported.pk])
    reported.refresh_from_db()
    assert (reported.status, reported.open_reports) == ("rejected", 0)
    assert CommentReport.objects.get().resolved_at is not None


def test_ban_with_a_reason_and_lift(admin_client, story):
    commenter = CommenterFactory(display_name="Troll")
    waiting = CommentFactory(page_id=story.pk, author=commenter, status="pending")
    bulk(admin_client, "commenter", "ban", [commenter.pk], {"reason": "Repeated abuse"})
    commenter.refresh_from_db()
    assert commenter.is_banned and commenter.ban_reason == "Repeated abuse"
    waiting.refresh_from_db()
    assert waiting.status == "rejected"
    listing = admin_client.get("/admin/snippets/comments/commenter/?banned=true").content.decode()
    assert "Troll" in listing and "Repeated abuse" in listing
    bulk(admin_client, "commenter", "unban", [commenter.pk])
    assert not Commenter.objects.get(pk=commenter.pk).is_banned


def test_a_commenters_history(admin_client, story):
    commenter = CommenterFactory(display_name="Regular")
    mine = CommentFactory.create_batch(3, page_id=story.pk, author=commenter)
    other = CommentFactory(page_id=story.pk, body="Someone else's")
    page = admin_client.get(f"{LIST}?author={commenter.pk}").content.decode()
    assert all(c.body in page for c in mine) and other.body not in page


def test_dashboard_shows_queue_sizes(admin_client, story):
    CommentFactory.create_batch(2, page_id=story.pk, status="pending")
    CommentFactory(page_id=story.pk, open_reports=2)
    home = admin_client.get("/admin/").content.decode()
    assert "<strong>2</strong> pending" in home
    assert "<strong>1</strong> reported" in home
    assert "Comments" in home


def test_readers_cannot_moderate(story, reader):
    pending = CommentFactory(page_id=story.pk, status="pending")
    c = Client()
    c.force_login(reader)
    assert c.get(LIST).status_code == 302  # to the admin's login
    c.post(f"/admin/bulk/comments/comment/approve/?next={LIST}&id={pending.pk}")
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_the_admin_offers_no_add_form(admin_client):
    refused = admin_client.get("/admin/snippets/comments/comment/add/")
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")  # "permission denied"
