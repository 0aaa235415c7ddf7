"""Reactions to other apps' events and to editors closing threads."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from masthead.accounts.signals import account_deleting

from . import counts
from .models import Comment, Commenter, CommentSettings, ThreadClosure


@receiver(account_deleting, dispatch_uid="comments-account-deleting")
def _reader_leaving(sender, user, **kwargs) -> None:
    """A deleted account's comments lose their text but keep their place, so
    replies to them still read in order; the commenter row goes with the user."""
    commenter = Commenter.objects.filter(user=user).first()
    if commenter is None:
        return
    pages = set(Comment.objects.filter(author=commenter).values_list("page_id", flat=True))
    Comment.objects.filter(author=commenter, deleted_at__isnull=True).update(
        body="", deleted_at=timezone.now()
    )
    Comment.objects.filter(author=commenter).update(ip=None)
    for page_id in pages:
        counts.thread_forget(page_id)


@receiver(post_save, sender=ThreadClosure, dispatch_uid="comments-closure-saved")
@receiver(post_delete, sender=ThreadClosure, dispatch_uid="comments-closure-deleted")
@receiver(post_save, sender=CommentSettings, dispatch_uid="comments-settings-saved")
def _threads_changed(sender, raw=False, **kwargs) -> None:
    """Closing or reopening (or a new auto-close age) changes thread states:
    drop the counts cache's entries. Never the site-wide page cache."""
    if not raw:
        counts.threads_forget_all()
