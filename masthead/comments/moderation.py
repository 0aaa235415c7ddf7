"""What moderators do in the admin: approve, reject, ban and lift bans.

Each takes many ids (the admin's bulk actions and single-row buttons both
call these) and is idempotent: approving an approved comment changes nothing
and sends nothing. Queues are QuerySets (``queue``), so the admin lists and
the dashboard count the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from . import counts
from .models import Comment, Commenter, CommentReport
from .notifications import reply_notify

QUEUES = {
    "pending": "Pending",
    "reported": "Reported",
    "all": "All",
    "rejected": "Rejected",
}


def queue(name: str) -> QuerySet[Comment]:
    """The comments in one moderation queue, newest first."""
    comments = Comment.objects.all()
    if name == "pending":
        comments = comments.pending().filter(deleted_at__isnull=True)
    elif name == "reported":
        comments = comments.reported().filter(deleted_at__isnull=True)
    elif name == "rejected":
        comments = comments.filter(status=Comment.Status.REJECTED)
    return comments.order_by("-created_at")


def queue_sizes() -> dict[str, int]:
    """Sizes of the queues that need someone, and the day's comments, in one query."""
    day_ago = timezone.now() - timezone.timedelta(hours=24)
    return Comment.objects.aggregate(
        pending=Count("pk", filter=Q(status=Comment.Status.PENDING, deleted_at__isnull=True)),
        reported=Count(
            "pk",
            filter=Q(open_reports__gt=0, deleted_at__isnull=True)
            & ~Q(status=Comment.Status.REJECTED),
        ),
        published=Count("pk", filter=Q(status=Comment.Status.PUBLISHED)),
        last_day=Count("pk", filter=Q(created_at__gte=day_ago)),
    )


def comments_approve(*, comment_ids: Iterable[int], moderator) -> int:
    """Publish the comments (and clear their reports); returns how many changed.
    A comment that waited for a moderator tells its parent's author of the reply."""

    def approved(comment: Comment, was: str) -> None:
        if comment.author_id:
            Commenter.objects.filter(pk=comment.author_id).update(
                approved_count=F("approved_count") + 1
            )
        if was == Comment.Status.PENDING:
            reply_notify(comment=comment)

    return _comments_moderate(
        comment_ids, moderator=moderator, status=Comment.Status.PUBLISHED, then=approved
    )


def comments_reject(*, comment_ids: Iterable[int], moderator) -> int:
    """Take the comments off the site (and clear their reports); returns how many changed."""
    return _comments_moderate(comment_ids, moderator=moderator, status=Comment.Status.REJECTED)


def _comments_moderate(
    comment_ids: Iterable[int],
    *,
    moderator,
    status: str,
    then: Callable[[Comment, str], None] | None = None,
) -> int:
    """Move the comments to ``status`` under row locks, clearing their open
    reports whatever their status; ``then(comment, status it had)`` runs for
    each one that changed, in the same transaction. Returns how many changed."""
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        comments = list(Comment.objects.select_for_update().filter(pk__in=list(comment_ids)))
        for comment in comments:
            _resolve_reports(comment, now)
            if comment.status == status:
                continue
            was = comment.status
            Comment.objects.filter(pk=comment.pk).update(
                status=status, moderated_at=now, moderated_by=moderator
            )
            comment.status = status
            counts.thread_forget(comment.page_id)
            if then is not None:
                then(comment, was)
            changed += 1
    return changed


def _resolve_reports(comment: Comment, now) -> None:
    if comment.open_reports:
        CommentReport.objects.filter(comment=comment, resolved_at__isnull=True).update(
            resolved_at=now
        )
        Comment.objects.filter(pk=comment.pk).update(open_reports=0)


def commenters_ban(*, commenter_ids: Iterable[int], moderator, reason: str = "") -> int:
    """Refuse these readers' new comments from now on; their pending ones are rejected."""
    now = timezone.now()
    ids = list(commenter_ids)
    with transaction.atomic():
        changed = Commenter.objects.filter(pk__in=ids, banned_at__isnull=True).update(
            banned_at=now, banned_by=moderator, ban_reason=reason[:200]
        )
        pending = Comment.objects.pending().filter(author_id__in=ids)
        comments_reject(comment_ids=pending.values_list("pk", flat=True), moderator=moderator)
    return changed


def commenters_unban(*, commenter_ids: Iterable[int]) -> int:
    """Let these readers comment again."""
    return Commenter.objects.filter(pk__in=list(commenter_ids), banned_at__isnull=False).update(
        banned_at=None, banned_by=None, ban_reason=""
    )
