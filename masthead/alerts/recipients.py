"""Who receives a series alert, for the sending engine (``mail.recipients``):
the series' confirmed followers, a page at a time, each with its own stop link."""

from __future__ import annotations

from masthead.mail.recipients import Recipient, recipient_source

from . import links
from .models import SeriesFollow


@recipient_source("series_followers")
def series_followers(*, args: dict, after: int, limit: int) -> list[Recipient]:
    rows = (
        SeriesFollow.objects.filter(
            series_id=int(args["series_id"]), status=SeriesFollow.ACTIVE, pk__gt=after
        )
        .order_by("pk")
        .only("pk", "email")[:limit]
    )
    return [
        Recipient(ref=f.pk, address=f.email, context={"unsubscribe_url": links.stop_url(f)})
        for f in rows
    ]
