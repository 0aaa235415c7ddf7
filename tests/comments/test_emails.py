"""Reply emails: opt-in, once, over real SMTP, every link from SITE_URL."""

from __future__ import annotations

import re

from django.test import Client, override_settings

from masthead.comments import moderation, notifications, services
from masthead.comments.models import Commenter
from masthead.mail.models import Delivery
from tests.tasks import run_pending_tasks


def _opt_in(user):
    Commenter.objects.filter(user=user).update(notify_replies=True)


@override_settings(SITE_URL="https://news.example.org")
def test_a_reply_emails_the_reader_who_asked_with_links_from_site_url(
    reader, other_reader, story, rules, smtp_backend
):
    _opt_in(reader)
    top = services.comment_post(user=reader, page_id=story.pk, text="Where is the ferry?")
    c = Client(HTTP_HOST="attacker.example")
    c.force_login(other_reader)
    c.post(
        f"/comments/{story.pk}/post/",
        {"body": "At pier 4 <b>today</b>", "parent": top.pk, "display_name": "Bo"},
        HTTP_HOST="testserver",
    )
    run_pending_tasks()
    [message] = smtp_backend.wait_for(1)
    assert message["To"] == reader.email
    # A long encoded subject is folded onto the next line; unfolding leaves a leading space.
    assert (
        message["Subject"].strip()
        == "Bo replied to your comment on “Harbour reopens after the storm”"
    )
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "At pier 4 <b>today</b>" in text
    assert "At pier 4 &lt;b&gt;today&lt;/b&gt;" in html
    links = [link.rstrip(".") for link in re.findall(r"https?://[^\s\"<>]+", text + html)]
    hosts = {re.match(r"https?://[^/]+", link)[0] for link in links}
    assert hosts == {"https://news.example.org"}
    assert f"https://news.example.org/comments/{story.pk}/#c" in text


def test_no_email_without_opt_in_or_for_answering_oneself(reader, other_reader, story, rules):
    top = services.comment_post(user=reader, page_id=story.pk, text="Question")
    services.comment_post(user=other_reader, page_id=story.pk, text="Answer", parent_id=top.pk)
    _opt_in(reader)
    services.comment_post(user=reader, page_id=story.pk, text="Thanks, me", parent_id=top.pk)
    assert not Delivery.objects.exists()


def test_a_held_reply_emails_once_when_approved(reader, new_user, story, rules):
    _opt_in(reader)
    rules.premoderate_first = 1
    rules.save()
    Commenter.objects.filter(user=reader).update(approved_count=3)
    top = services.comment_post(user=reader, page_id=story.pk, text="Question")
    held = services.comment_post(
        user=new_user, page_id=story.pk, text="First reply", parent_id=top.pk, display_name="New"
    )
    assert held.status == "pending" and not Delivery.objects.exists()
    moderation.comments_approve(comment_ids=[held.pk], moderator=None)
    moderation.comments_approve(comment_ids=[held.pk], moderator=None)
    assert Delivery.objects.count() == 1


def test_the_stop_link_turns_reply_emails_off_on_post_only(client, reader):
    _opt_in(reader)
    url = notifications.replies_off_url(reader).removeprefix("http://testserver")
    assert "Stop reply emails" in client.get(url).content.decode()
    assert Commenter.objects.get(user=reader).notify_replies  # a GET changes nothing
    done = client.post(url)
    assert "we will not email you about replies" in done.content.decode()
    assert not Commenter.objects.get(user=reader).notify_replies
    bad = client.post("/comments/replies-off/forged/")
    assert bad.status_code == 400
