"""What readers do to comments: post, reply, edit, delete, like, report.

One function per change, keyword arguments, each raising a ``CommentError``
(with the message the reader sees) when the change is not allowed; views
map those to HTTP in one place (``views._refused``). Moderators' actions are
in ``moderation.py``. Nothing here touches the site-wide page cache: a
change drops only its thread's entry in the counts cache (``counts.py``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from . import counts
from .models import (
    EDIT_WINDOW_SECONDS,
    MAX_DEPTH,
    Comment,
    Commenter,
    CommentLike,
    CommentReport,
    CommentSettings,
    ThreadClosure,
)
from .notifications import reply_notify
from .rules import comment_verdict, fold
from .targets import ThreadTarget, thread_target
from .text import body_clean

DUPLICATE_WINDOW = timedelta(hours=1)


class CommentError(Exception):
    """A change refused, with the message for the reader and an HTTP status."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class CommentNotFound(CommentError):
    status = 404


class CommentForbidden(CommentError):
    status = 403


class CommentInvalid(CommentError):
    status = 400


# --- threads --------------------------------------------------------------------


@dataclass(frozen=True)
class ThreadStatus:
    target: ThreadTarget
    state: str  # "open", "closed" (by an editor or by age) or "off" (for the section)
    closes_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def closed_message(self) -> str:
        if self.state == "off":
            return "Comments are turned off for this section."
        return "Comments are closed on this story."


def thread_status(*, page_id: int, site: CommentSettings | None = None) -> ThreadStatus | None:
    """The thread on ``page_id`` and whether it takes comments; None if the page has none."""
    target = thread_target(page_id)
    if target is None:
        return None
    closed = set(
        ThreadClosure.objects.filter(page_id__in=[page_id, target.section_id or 0]).values_list(
            "page_id", flat=True
        )
    )
    if target.section_id in closed:
        return ThreadStatus(target, "off", None)
    if page_id in closed:
        return ThreadStatus(target, "closed", None)
    closes_at = None
    days = (site or CommentSettings.load()).close_after_days
    if days and target.published_at:
        closes_at = target.published_at + timedelta(days=days)
        if closes_at <= timezone.now():
            return ThreadStatus(target, "closed", closes_at)
    return ThreadStatus(target, "open", closes_at)


def _open_thread(page_id: int) -> ThreadStatus:
    status = thread_status(page_id=page_id)
    if status is None:
        raise CommentNotFound("There is no discussion here.")
    if not status.is_open:
        raise CommentForbidden(status.closed_message)
    return status


# --- helpers ----------------------------------------------------------------------


def body_fingerprint(text: str) -> str:
    """Equal for comments that differ only in case, spacing or invisible characters."""
    return hashlib.md5(" ".join(fold(text).split()).encode(), usedforsecurity=False).hexdigest()


def _checked_text(text: str, settings_row: CommentSettings) -> str:
    text = body_clean(text or "")
    if not text:
        raise CommentInvalid("Write your comment first.", field="body")
    if len(text) > settings_row.max_length:
        over = len(text) - settings_row.max_length
        raise CommentInvalid(
            f"Your comment is {len(text):,} characters long; the limit is "
            f"{settings_row.max_length:,}. Please shorten it by {over:,}.",
            field="body",
        )
    return text


def commenter_of(user) -> Commenter | None:
    if user is None or not user.is_authenticated:
        return None
    return Commenter.objects.filter(user=user).first()


def _refuse_banned(commenter: Commenter | None) -> None:
    if commenter is not None and commenter.is_banned:
        raise CommentForbidden(
            "Your account can no longer post comments. If you think this is a mistake, "
            "write to the newsroom."
        )


def _own_comment(user, comment_id: int) -> Comment:
    comment = Comment.objects.select_related("author").filter(pk=comment_id).first()
    if comment is None:
        raise CommentNotFound("That comment does not exist.")
    if comment.author is None or comment.author.user_id != user.pk:
        raise CommentForbidden("You can only change your own comments.")
    return comment


def _others_visible_comment(user, comment_id: int) -> Comment:
    comment = Comment.objects.select_related("author").filter(pk=comment_id).first()
    if comment is None or not comment.is_published or comment.is_deleted:
        raise CommentNotFound("That comment is not available.")
    return comment


# --- posting ----------------------------------------------------------------------


def comment_post(
    *,
    user,
    page_id: int,
    text: str,
    parent_id: int | None = None,
    display_name: str = "",
    notify_replies: bool | None = None,
    ip: str | None = None,
) -> Comment:
    """A new comment or reply by a signed-in reader, moderated by the site's rules.

    A second identical submission (same text, place and reader within the
    hour: a double click, a resent form) returns the first comment; the same
    text elsewhere is refused as a duplicate. A comment with a banned word is
    stored as rejected (for moderators) and refused to the reader.
    """
    _open_thread(page_id)
    commenter = commenter_of(user)
    _refuse_banned(commenter)
    name = " ".join((display_name or "").split())[:60] or (
        commenter.display_name if commenter else ""
    )
    if not name:
        raise CommentInvalid("Choose the name shown with your comments.", field="display_name")
    site = CommentSettings.load()
    text = _checked_text(text, site)
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id, page_id=page_id).first()
        if parent is None or not parent.is_published or parent.is_deleted:
            raise CommentInvalid("The comment you replied to is no longer available.")
    fingerprint = body_fingerprint(text)
    now = timezone.now()
    if commenter is not None:
        earlier = (
            Comment.objects.filter(
                author=commenter, body_hash=fingerprint, created_at__gte=now - DUPLICATE_WINDOW
            )
            .order_by("-created_at")
            .first()
        )
        if earlier is not None:
            if earlier.page_id == page_id and earlier.reply_to_id == (
                parent.pk if parent else None
            ):
                return earlier
            raise CommentInvalid("You have already posted this comment.", field="body")
    verdict = comment_verdict(
        text=text, settings=site, approved_before=commenter.approved_count if commenter else 0
    )
    with transaction.atomic():
        if commenter is None:
            commenter, _ = Commenter.objects.get_or_create(
                user=user, defaults={"display_name": name}
            )
        updates = {}
        if commenter.display_name != name:
            updates["display_name"] = name
        if notify_replies is not None and commenter.notify_replies != notify_replies:
            updates["notify_replies"] = notify_replies
        if verdict.status == Comment.Status.PUBLISHED:
            updates["approved_count"] = F("approved_count") + 1
        if updates:
            Commenter.objects.filter(pk=commenter.pk).update(**updates)
        comment = Comment.objects.create(
            page_id=page_id,
            author=commenter,
            **_placement(parent),
            body=text,
            body_hash=fingerprint,
            status=verdict.status,
            held_because=verdict.reason,
            created_at=now,
            ip=ip,
        )
        if comment.is_published:
            counts.thread_forget(page_id)
            reply_notify(comment=comment)
    if verdict.status == Comment.Status.REJECTED:
        raise CommentInvalid(
            "Your comment was not published: it contains language our community rules do not "
            "allow. Please rephrase it.",
            field="body",
        )
    return comment


def _placement(parent: Comment | None) -> dict:
    """Where a reply sits: under its parent, or beside it past the deepest level."""
    if parent is None:
        return {"depth": 1}
    shown_under = parent if parent.depth < MAX_DEPTH else parent.parent
    return {
        "parent": shown_under,
        "root_id": parent.root_id or parent.pk,
        "reply_to": parent,
        "depth": min(parent.depth + 1, MAX_DEPTH),
    }


# --- changing one's own -------------------------------------------------------------


def comment_edit(*, user, comment_id: int, text: str) -> Comment:
    """Change one's own comment in the first 15 minutes; the rules look at it again."""
    comment = _own_comment(user, comment_id)
    if comment.is_deleted:
        raise CommentForbidden("This comment was deleted.")
    if comment.author.is_banned:
        _refuse_banned(comment.author)
    if (timezone.now() - comment.created_at).total_seconds() > EDIT_WINDOW_SECONDS:
        raise CommentForbidden("Comments can be changed for 15 minutes after posting.")
    _open_thread(comment.page_id)
    site = CommentSettings.load()
    text = _checked_text(text, site)
    if text == comment.body:
        return comment
    verdict = comment_verdict(text=text, settings=site, approved_before=10**9)
    was_published = comment.is_published
    status = comment.status
    if verdict.status == Comment.Status.REJECTED or status == Comment.Status.PUBLISHED:
        status = verdict.status
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(
            body=text,
            body_hash=body_fingerprint(text),
            edited_at=timezone.now(),
            status=status,
            held_because=verdict.reason or comment.held_because,
        )
        if was_published != (status == Comment.Status.PUBLISHED):
            counts.thread_forget(comment.page_id)
    comment.refresh_from_db()
    if status == Comment.Status.REJECTED:
        raise CommentInvalid(
            "Your change was not published: it contains language our community rules do not allow.",
            field="body",
        )
    return comment


def comment_delete(*, user, comment_id: int) -> Comment:
    """Withdraw one's own comment: its text goes, its place (and replies) stay."""
    comment = _own_comment(user, comment_id)
    if comment.is_deleted:
        return comment
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(deleted_at=timezone.now(), body="")
        counts.thread_forget(comment.page_id)
    comment.refresh_from_db()
    return comment


# --- likes and reports ----------------------------------------------------------------


def comment_like(*, user, comment_id: int, like: bool = True) -> Comment:
    """Like (or unlike) someone else's comment; liking twice counts once."""
    comment = _others_visible_comment(user, comment_id)
    if comment.author is not None and comment.author.user_id == user.pk:
        raise CommentForbidden("You cannot like your own comment.")
    with transaction.atomic():
        if like:
            try:
                with transaction.atomic():
                    CommentLike.objects.create(comment=comment, user=user)
            except IntegrityError:
                pass
            else:
                Comment.objects.filter(pk=comment.pk).update(like_count=F("like_count") + 1)
        elif CommentLike.objects.filter(comment=comment, user=user).delete()[0]:
            Comment.objects.filter(pk=comment.pk, like_count__gt=0).update(
                like_count=F("like_count") - 1
            )
    comment.refresh_from_db()
    return comment


def comment_report(*, user, comment_id: int, reason: str, note: str = "") -> CommentReport:
    """Flag someone else's comment for the moderators; a second report by the
    same reader changes nothing."""
    comment = _others_visible_comment(user, comment_id)
    if comment.author is not None and comment.author.user_id == user.pk:
        raise CommentForbidden("You cannot report your own comment.")
    if reason not in CommentReport.Reason.values:
        raise CommentInvalid("Choose why you are reporting this comment.", field="reason")
    note = body_clean(note or "")[:500]
    with transaction.atomic():
        report, created = CommentReport.objects.get_or_create(
            comment=comment, reporter=user, defaults={"reason": reason, "note": note}
        )
        if created:
            Comment.objects.filter(pk=comment.pk).update(open_reports=F("open_reports") + 1)
    return report
