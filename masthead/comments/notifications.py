"""Reply emails: "someone replied to your comment", for readers who asked.

Queued through mail's ``email_enqueue`` in the transaction that publishes the
reply (keyed by the reply, so it is sent once however often it is approved);
every link is built from ``SITE_URL``, never from the request.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from masthead.core.site_url import site_url

from .models import Comment, Commenter
from .targets import thread_target

REPLIES_OFF_SALT = "masthead.comments.replies-off"


def replies_off_url(user) -> str:
    token = signing.dumps(user.pk, salt=REPLIES_OFF_SALT)
    return site_url(reverse("comments:replies_off", args=[token]))


def replies_off(*, token: str) -> bool:
    """Turn reply emails off for the reader the emailed link names; False if the link is bad."""
    try:
        user_id = signing.loads(token, salt=REPLIES_OFF_SALT)
    except signing.BadSignature:
        return False
    Commenter.objects.filter(user_id=user_id).update(notify_replies=False)
    return True


def reply_notify(*, comment: Comment) -> None:
    """Queue "someone replied" for the author answered, if they asked for it.

    Called inside the transaction that publishes the reply; the delivery key
    is the reply's, so approving twice or retrying sends one email.
    """
    from masthead.mail.services import email_enqueue

    if comment.reply_to_id is None:
        return
    answered = Comment.objects.select_related("author__user").filter(pk=comment.reply_to_id).first()
    if answered is None or answered.author is None or answered.is_deleted:
        return
    recipient = answered.author
    if not recipient.notify_replies or recipient.pk == comment.author_id:
        return
    user = recipient.user
    if not user.is_active or not user.email:
        return
    target = thread_target(comment.page_id)
    if target is None:
        return
    replier = Commenter.objects.filter(pk=comment.author_id).values_list("display_name", flat=True)
    excerpt = " ".join(comment.body.split())
    email_enqueue(
        key=f"comment-reply:{comment.pk}",
        to=user.email,
        template="comments/reply",
        context={
            "name": recipient.display_name,
            "replier": replier.first() or "A reader",
            "story_title": target.title,
            "excerpt": excerpt[:300] + ("…" if len(excerpt) > 300 else ""),
            "thread_url": site_url(
                f"{reverse('comments:thread', args=[comment.page_id])}#c{comment.pk}"
            ),
            "replies_off_url": replies_off_url(user),
        },
    )
