"""A reader's comments in "download my data"."""

from masthead.accounts.export import exporter

from .models import Comment


@exporter("comments")
def _comments(user) -> list[dict]:
    rows = Comment.objects.filter(author__user=user).order_by("created_at")
    return [
        {
            "page_id": c.page_id,
            "text": c.body,
            "status": c.status,
            "posted_at": c.created_at,
            "edited_at": c.edited_at,
            "deleted_at": c.deleted_at,
        }
        for c in rows
    ]
