"""Moderation in the Wagtail admin: the queues, bulk actions, commenters, closed threads.

Comments and commenters are snippets (Wagtail's listing, filters, search and
bulk selection); the queues are the comment listing filtered by ``queue``,
linked from a "Comments" menu that shows their sizes. Approving, rejecting,
banning and lifting bans are bulk actions that call ``moderation.py``; the
edit screens are read-only, so no change bypasses the rules or the counts.
"""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import moderation
from .models import Comment, Commenter, ThreadClosure


class NoAddPolicy(ModelPermissionPolicy):
    """Comments and commenters come from readers, never from the admin's add form."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class CommentFilterSet(WagtailFilterSet):
    queue = django_filters.ChoiceFilter(
        label="Queue", choices=list(moderation.QUEUES.items()), method="in_queue", empty_label=None
    )
    author = django_filters.NumberFilter(label="Commenter id", field_name="author_id")
    page = django_filters.NumberFilter(label="Story id", field_name="page_id")

    class Meta:
        model = Comment
        fields = ["status"]

    def in_queue(self, queryset, name, value):
        return queryset & moderation.queue(value) if value else queryset


class CommentViewSet(SnippetViewSet):
    model = Comment
    icon = "comment"
    menu_label = "All comments"
    add_to_admin_menu = False
    filterset_class = CommentFilterSet
    search_fields = ["body"]
    list_per_page = 50
    inspect_view_enabled = True
    list_display = [
        "__str__",
        Column("author", label="Commenter", accessor="author"),
        Column("page", label="Story", accessor="page"),
        "status",
        "held_because",
        Column("open_reports", label="Reports"),
        Column("like_count", label="Likes"),
        "created_at",
        Column("history", label="History", accessor=lambda c: _history_link(c)),
    ]
    panels = [
        FieldPanel("body", read_only=True),
        FieldPanel("status", read_only=True),
        FieldPanel("held_because", read_only=True),
    ]

    def get_queryset(self, request):
        return Comment.objects.select_related("author", "page").order_by("-created_at")


def _history_link(comment: Comment) -> str:
    if comment.author_id is None:
        return ""
    url = reverse("wagtailsnippets_comments_comment:list") + f"?author={comment.author_id}"
    return format_html('<a href="{}">All by {}</a>', url, comment.author)


class CommenterFilterSet(WagtailFilterSet):
    banned = django_filters.BooleanFilter(
        label="Banned", field_name="banned_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Commenter
        fields = []


class CommenterViewSet(SnippetViewSet):
    model = Commenter
    icon = "user"
    add_to_admin_menu = False
    filterset_class = CommenterFilterSet
    search_fields = ["display_name"]
    list_display = [
        "display_name",
        Column("email", label="Email", accessor="user"),
        Column("approved_count", label="Approved"),
        Column("banned_at", label="Banned since"),
        "ban_reason",
        Column("history", label="History", accessor=lambda c: _commenter_history(c)),
    ]
    panels = [
        FieldPanel("display_name", read_only=True),
        FieldPanel("approved_count", read_only=True),
        FieldPanel("banned_at", read_only=True),
        FieldPanel("ban_reason", read_only=True),
    ]

    def get_queryset(self, request):
        return Commenter.objects.select_related("user").order_by("display_name")


def _commenter_history(commenter: Commenter) -> str:
    url = reverse("wagtailsnippets_comments_comment:list") + f"?author={commenter.pk}"
    return format_html('<a href="{}">Comments</a>', url)


class ThreadClosureViewSet(SnippetViewSet):
    model = ThreadClosure
    icon = "lock"
    add_to_admin_menu = False
    list_display = ["page", "note", "created_at"]


register_permission_policy(Comment, NoAddPolicy(Comment), exact_class=True)
register_permission_policy(Commenter, NoAddPolicy(Commenter), exact_class=True)
register_snippet(CommentViewSet)
register_snippet(CommenterViewSet)
register_snippet(ThreadClosureViewSet)


# --- bulk actions --------------------------------------------------------------------


class _ModerationAction(SnippetBulkAction):
    template_name = "comments/admin/confirm_bulk.html"
    action_priority = 20
    verb = ""

    def check_perm(self, obj):
        return self.request.user.has_perm(f"comments.change_{self.model._meta.model_name}")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "verb": self.verb}

    def get_success_message(self, num_parent_objects, num_child_objects):
        return f"{self.verb}: {num_parent_objects} changed."


class _CommentsModeration(_ModerationAction):
    """Approve or reject: the selected comments go to ``moderate`` (a
    ``moderation`` function taking the ids and the moderator)."""

    models = [Comment]
    moderate: Callable[..., int]

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        request = kwargs["self"].request
        return cls.moderate(comment_ids=[c.pk for c in objects], moderator=request.user), 0


@hooks.register("register_bulk_action")
class ApproveComments(_CommentsModeration):
    display_name = "Approve"
    action_type = "approve"
    aria_label = "Approve selected comments"
    verb = "Approve"
    moderate = staticmethod(moderation.comments_approve)


@hooks.register("register_bulk_action")
class RejectComments(_CommentsModeration):
    display_name = "Reject"
    action_type = "reject"
    aria_label = "Reject selected comments"
    verb = "Reject"
    classes = {"serious"}
    moderate = staticmethod(moderation.comments_reject)


class BanForm(forms.Form):
    reason = forms.CharField(
        required=False, max_length=200, help_text="Kept with the ban, for other moderators."
    )


@hooks.register("register_bulk_action")
class BanCommenters(_ModerationAction):
    display_name = "Ban"
    action_type = "ban"
    aria_label = "Ban selected commenters"
    models = [Commenter]
    verb = "Ban"
    form_class = BanForm
    classes = {"serious"}

    def get_execution_context(self):
        return {
            **super().get_execution_context(),
            "reason": self.cleaned_form.cleaned_data["reason"],
        }

    @classmethod
    def execute_action(cls, objects, user=None, reason="", **kwargs):
        request = kwargs["self"].request
        return moderation.commenters_ban(
            commenter_ids=[c.pk for c in objects], moderator=request.user, reason=reason
        ), 0


@hooks.register("register_bulk_action")
class LiftBans(_ModerationAction):
    display_name = "Lift ban"
    action_type = "unban"
    aria_label = "Lift the ban on selected commenters"
    models = [Commenter]
    verb = "Lift ban"

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        return moderation.commenters_unban(commenter_ids=[c.pk for c in objects]), 0


# --- menu and dashboard ----------------------------------------------------------------


def _queue_url(name: str) -> str:
    return reverse("wagtailsnippets_comments_comment:list") + f"?queue={name}"


class QueueMenuItem(MenuItem):
    """A queue in the menu, with its size in the label."""

    def __init__(self, queue_name: str, **kwargs):
        self.queue_name = queue_name
        super().__init__(moderation.QUEUES[queue_name], _queue_url(queue_name), **kwargs)

    def is_shown(self, request):
        return request.user.has_perm("comments.change_comment")


@hooks.register("register_admin_menu_item")
def comments_menu():
    items = [
        QueueMenuItem("pending", icon_name="time", order=100),
        QueueMenuItem("reported", icon_name="warning", order=200),
        QueueMenuItem("all", icon_name="list-ul", order=300),
        QueueMenuItem("rejected", icon_name="cross", order=400),
        MenuItem(
            "Commenters",
            reverse("wagtailsnippets_comments_commenter:list"),
            icon_name="user",
            order=500,
        ),
        MenuItem(
            "Closed threads",
            reverse("wagtailsnippets_comments_threadclosure:list"),
            icon_name="lock",
            order=600,
        ),
    ]
    return SubmenuMenuItem("Comments", Menu(items=items), icon_name="comment", order=250)


class CommentsPanel(Component):
    """Counts on the dashboard: what waits for a moderator, and the day's comments."""

    name = "comments_queues"
    order = 150
    template_name = "comments/admin/dashboard_panel.html"

    def get_context_data(self, parent_context=None):
        sizes = moderation.queue_sizes()
        return {
            "sizes": sizes,
            "pending_url": _queue_url("pending"),
            "reported_url": _queue_url("reported"),
            "all_url": _queue_url("all"),
        }


@hooks.register("construct_homepage_panels")
def add_comments_panel(request, panels) -> None:
    if request.user.has_perm("comments.change_comment"):
        panels.append(CommentsPanel())
