"""Comments, the people who write them, their likes and reports, closed threads,
and the moderation settings editors change in the admin.

A thread is not a row: it is every comment on one page (``page``). Comments
are never deleted by readers, only marked (``deleted_at``), so the replies
under a deleted one keep their place ("This comment was deleted").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

MAX_DEPTH = 3  # replies deeper than this are shown at this level, "replying to <name>"
EDIT_WINDOW_SECONDS = 15 * 60


class Commenter(models.Model):
    """A reader as the comments know them: the name shown, reply emails, a ban."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commenter"
    )
    display_name = models.CharField(max_length=60)
    notify_replies = models.BooleanField(
        default=False, help_text="Email the reader when someone replies to them."
    )
    approved_count = models.PositiveIntegerField(
        default=0, help_text="Comments of theirs a moderator or the rules let through."
    )
    banned_at = models.DateTimeField(null=True, blank=True)
    ban_reason = models.CharField(max_length=200, blank=True)
    banned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "commenter"
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None


class CommentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Comment.Status.PUBLISHED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def reported(self):
        return self.filter(open_reports__gt=0).exclude(status=Comment.Status.REJECTED)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    author = models.ForeignKey(
        Commenter, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    # The comment this one is shown under (at most MAX_DEPTH levels), the top
    # of its branch (so a page of top-level comments brings its replies in one
    # query), and the comment the reader actually answered.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(default=1)
    body = models.TextField(blank=True)
    body_hash = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    held_because = models.CharField(max_length=200, blank=True)
    like_count = models.PositiveIntegerField(default=0)
    open_reports = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["page", "depth", "status", "created_at"], name="comments_roots"),
            models.Index(fields=["page", "depth", "like_count"], name="comments_roots_liked"),
            models.Index(fields=["root", "created_at"], name="comments_branch"),
            models.Index(fields=["status", "created_at"], name="comments_queue"),
            models.Index(fields=["author", "body_hash"], name="comments_duplicates"),
        ]

    def __str__(self) -> str:
        text = " ".join(self.body.split())
        return (text[:60] + "…") if len(text) > 60 else (text or f"Comment {self.pk}")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class CommentLike(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="comments_like_once")
        ]
        indexes = [models.Index(fields=["user", "comment"], name="comments_likes_by_user")]

    def __str__(self) -> str:
        return f"Like of comment {self.comment_id}"


class CommentReport(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abusive or hateful"
        OFF_TOPIC = "off_topic", "Off topic"
        PRIVACY = "privacy", "Shares someone's personal information"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="comments_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.comment}"


class ThreadClosure(models.Model):
    """Comments closed by an editor: on a story (its thread is closed) or on a
    section (comments are off for every story in it)."""

    page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="A story closes its thread; a section turns comments off for its stories.",
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("page"), FieldPanel("note")]

    class Meta:
        verbose_name = "closed thread or section"
        verbose_name_plural = "closed threads and sections"

    def __str__(self) -> str:
        return str(self.page)


@register_setting(icon="comment")
class CommentSettings(BaseGenericSetting):
    max_length = models.PositiveIntegerField(
        default=5000, help_text="Longest comment a reader may post, in characters."
    )
    premoderate_first = models.PositiveSmallIntegerField(
        default=1,
        help_text="A reader's first this-many comments wait for a moderator (0: none).",
    )
    premoderate_links = models.BooleanField(
        default=True, help_text="Comments with a link wait for a moderator."
    )
    close_after_days = models.PositiveSmallIntegerField(
        default=14, help_text="Close a story's thread this many days after publication (0: never)."
    )
    suspect_words = models.TextField(
        blank=True,
        help_text="One word or phrase a line: comments containing one wait for a moderator.",
    )
    banned_words = models.TextField(
        blank=True, help_text="One word or phrase a line: comments containing one are rejected."
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("max_length"), FieldPanel("close_after_days")], heading="Threads"
        ),
        MultiFieldPanel(
            [
                FieldPanel("premoderate_first"),
                FieldPanel("premoderate_links"),
                FieldPanel("suspect_words"),
                FieldPanel("banned_words"),
            ],
            heading="Moderation rules",
        ),
    ]

    class Meta:
        verbose_name = "Comment settings"
