"""A page of a thread, ready to render, in a fixed number of queries.

A thread is paged by its top-level comments (``ROOTS_PER_PAGE`` at a time, in
the reader's order); each top-level comment brings its whole branch in one
query through ``root``, so a page of a 5,000-comment thread costs the same
queries as a page of a ten-comment one (tests/comments/test_queries.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils import timezone

from .models import EDIT_WINDOW_SECONDS, Comment, Commenter, CommentLike, CommentSettings
from .services import ThreadStatus, commenter_of, thread_status

# Ten top-level comments a page: with their branches, a page of a busy thread
# stays a few dozen comments, so it renders in a small multiple of a short one.
ROOTS_PER_PAGE = 10
SORTS = {
    "oldest": ("created_at", "id"),
    "newest": ("-created_at", "-id"),
    "liked": ("-like_count", "-created_at", "-id"),
}
SORT_LABELS = {"oldest": "Oldest", "newest": "Newest", "liked": "Most liked"}
DEFAULT_SORT = "oldest"


@dataclass
class Node:
    """One comment as this reader sees it, with what they may do to it."""

    comment: Comment
    children: list[Node] = field(default_factory=list)
    placeholder: str = ""  # shown instead of the text: deleted, or withheld with replies under it
    mine: bool = False
    liked: bool = False
    can_edit: bool = False
    can_act: bool = False  # reply, like, report: someone else's live comment in an open thread
    replying_to: str = ""  # "replying to <name>" when the reply sits beside its target
    posted: str = ""  # "Nov 30, 2026, 2:15 p.m.", in the site's time zone
    posted_iso: str = ""  # "2026-11-30T14:15:00Z", for <time datetime>

    @property
    def author_name(self) -> str:
        author = self.comment.author
        return author.display_name if author else "Former reader"


@dataclass
class ThreadView:
    status: ThreadStatus
    commenter: Commenter | None
    sort: str
    page: Page
    nodes: list[Node]
    total: int
    settings: CommentSettings


def shown_to(commenter: Commenter | None) -> Q:
    """The comments a reader sees in a thread: the published ones, and their
    own unless a moderator took them down."""
    shown = Q(status=Comment.Status.PUBLISHED)
    if commenter is not None:
        shown |= Q(author=commenter) & ~Q(status=Comment.Status.REJECTED)
    return shown


def thread_view(
    *, page_id: int, user, sort: str = DEFAULT_SORT, page_number=1
) -> ThreadView | None:
    """The thread on ``page_id`` as ``user`` (maybe anonymous) sees it; None if there is none."""
    site = CommentSettings.load()
    status = thread_status(page_id=page_id, site=site)
    if status is None:
        return None
    sort = sort if sort in SORTS else DEFAULT_SORT
    commenter = commenter_of(user)
    roots = (
        Comment.objects.filter(page_id=page_id, depth=1)
        .filter(shown_to(commenter))
        .select_related("author")
        .order_by(*SORTS[sort])
    )
    page = Paginator(roots, ROOTS_PER_PAGE).get_page(page_number)
    root_list = list(page.object_list)
    branch = list(
        Comment.objects.filter(root_id__in=[c.pk for c in root_list])
        .select_related("author", "reply_to__author")
        .order_by("created_at", "id")
    )
    liked: set[int] = set()
    if user is not None and user.is_authenticated and (root_list or branch):
        liked = set(
            CommentLike.objects.filter(
                user=user, comment_id__in=[c.pk for c in root_list + branch]
            ).values_list("comment_id", flat=True)
        )
    total = Comment.objects.filter(
        page_id=page_id, status=Comment.Status.PUBLISHED, deleted_at__isnull=True
    ).count()
    context = _Seen(
        commenter=commenter,
        signed_in=bool(user is not None and user.is_authenticated),
        liked=liked,
        open=status.is_open,
        now=timezone.now(),
    )
    nodes = _tree(root_list, branch, context)
    return ThreadView(status, commenter, sort, page, nodes, total, site)


@dataclass
class _Seen:
    commenter: Commenter | None  # None for a reader who has not commented yet
    signed_in: bool
    liked: set[int]
    open: bool
    now: object


def _node(comment: Comment, seen: _Seen) -> Node:
    mine = seen.commenter is not None and comment.author_id == seen.commenter.pk
    node = Node(comment=comment, mine=mine, liked=comment.pk in seen.liked)
    node.posted, node.posted_iso = _when(comment.created_at)
    if comment.is_deleted:
        node.placeholder = "This comment was deleted."
    live = comment.is_published and not comment.is_deleted
    node.can_edit = (
        mine
        and seen.open
        and not comment.is_deleted
        and comment.status != Comment.Status.REJECTED
        and (seen.now - comment.created_at).total_seconds() <= EDIT_WINDOW_SECONDS
        and not seen.commenter.is_banned
    )
    banned = seen.commenter is not None and seen.commenter.is_banned
    node.can_act = seen.signed_in and not banned and not mine and live and seen.open
    if comment.reply_to_id and comment.reply_to_id != comment.parent_id and comment.reply_to:
        answered = comment.reply_to.author
        node.replying_to = answered.display_name if answered else "Former reader"
    return node


def _when(moment) -> tuple[str, str]:
    """Both forms of a comment's time, formatted directly: Django's ``date``
    filter cost a seventh of a long page's render."""
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    label = f"{local:%b} {local.day}, {local.year}, {hour}:{local:%M} {'a.m.' if local.hour < 12 else 'p.m.'}"
    return label, moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _visible(comment: Comment, seen: _Seen) -> bool:
    if comment.is_published:
        return True
    mine = seen.commenter is not None and comment.author_id == seen.commenter.pk
    return mine and comment.status == Comment.Status.PENDING


def _tree(roots: list[Comment], branch: list[Comment], seen: _Seen) -> list[Node]:
    """Nest the branch under its roots. A withheld comment (pending or rejected,
    not the reader's) is left out, or shown as a placeholder if replies hang on it."""
    nodes = {c.pk: _node(c, seen) for c in roots + branch}
    for comment in branch:
        parent = nodes.get(comment.parent_id)
        if parent is not None:
            parent.children.append(nodes[comment.pk])

    def prune(node: Node) -> Node | None:
        node.children = [kept for child in node.children if (kept := prune(child))]
        if _visible(node.comment, seen):
            return node
        if node.children:
            node.placeholder = "This comment is not shown."
            node.can_act = node.can_edit = False
            return node
        return None

    return [kept for root in roots if (kept := prune(nodes[root.pk]))]
