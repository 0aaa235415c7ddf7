"""The reader's own comments on their account page, newest first, a page at a time.

Each comes with the story it is on, its state in the reader's words, and a
link to it in its thread: the thread page that holds it (threads are paged by
top-level comments, oldest first) with its anchor. A page of this list costs
three queries however many comments the reader wrote: the reader's
commenter row, the count, and the comments with their story titles and their
place in the thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from masthead.accounts.panels import account_panel

from .models import Comment, Commenter
from .selectors import ROOTS_PER_PAGE, shown_to
from .services import commenter_of

PER_PAGE = 10
PAGE_PARAMETER = "comments"  # /account/?comments=2

STATES = {
    "published": "Published",
    "pending": "Pending: awaiting moderation",
    "removed": "Removed by a moderator",
    "deleted": "Deleted by you",
}


@dataclass(frozen=True)
class OwnComment:
    text: str
    story_title: str
    posted_at: datetime
    state: str  # a key of STATES
    url: str

    @property
    def state_label(self) -> str:
        return STATES[self.state]


def _state(comment: Comment) -> str:
    if comment.deleted_at is not None:
        return "deleted"
    if comment.status == Comment.Status.REJECTED:
        return "removed"
    return "pending" if comment.status == Comment.Status.PENDING else "published"


def _url(comment: Comment, state: str) -> str:
    """The thread page that shows the comment, at the comment; a removed one is
    shown to nobody, so its link opens the thread."""
    url = reverse("comments:thread", args=[comment.page_id])
    if state == "removed":
        return url + "#comments"
    thread_page = comment.roots_before // ROOTS_PER_PAGE + 1
    if thread_page > 1:
        url += "?" + urlencode({"page": thread_page})
    return url + f"#c{comment.pk}"


def _with_place_in_thread(comments, commenter: Commenter):
    """Annotate ``roots_before``: the top-level comments this reader sees above
    the comment's own top-level one, in the thread's default order."""
    # SORTS["oldest"], the thread's default: by (created_at, id)
    before = (
        Comment.objects.filter(page_id=OuterRef("page_id"), depth=1)
        .filter(shown_to(commenter))
        .filter(
            Q(created_at__lt=OuterRef("top_at"))
            | Q(created_at=OuterRef("top_at"), id__lt=OuterRef("top_id"))
        )
        .order_by()
        .values("page_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return comments.annotate(
        top_id=Coalesce("root_id", "id"),
        top_at=Coalesce("root__created_at", "created_at"),
    ).annotate(roots_before=Coalesce(Subquery(before), Value(0)))


def reader_comments(user, page_number) -> Page:
    """A page of ``user``'s comments as ``OwnComment``s, newest first."""
    commenter = commenter_of(user)
    if commenter is None:
        return Paginator([], PER_PAGE).get_page(1)
    mine = _with_place_in_thread(
        Comment.objects.filter(author=commenter).annotate(story_title=F("page__title")),
        commenter,
    ).order_by("-created_at", "-id")
    page = Paginator(mine, PER_PAGE).get_page(page_number)
    listed = []
    for comment in page.object_list:
        state = _state(comment)
        listed.append(
            OwnComment(
                text=comment.body,
                story_title=comment.story_title,
                posted_at=comment.created_at,
                state=state,
                url=_url(comment, state),
            )
        )
    page.object_list = listed
    return page


@account_panel("comments/account_comments.html", order=40)
def _account_comments(request: HttpRequest) -> dict:
    page = reader_comments(request.user, request.GET.get(PAGE_PARAMETER))
    return {"comments": page, "page_parameter": PAGE_PARAMETER}
