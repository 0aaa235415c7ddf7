"""Who receives an edition, for the sending engine (``mail.recipients``).

Registered when the app loads. The engine pages through a source by ref
(here the subscription's id), so a send to 100,000 subscribers reads them a
page at a time. Each recipient's context carries its own unsubscribe link,
which the engine also puts in the ``List-Unsubscribe`` headers.
"""

from __future__ import annotations

from django.urls import reverse

from masthead.core.site_url import site_url
from masthead.mail.recipients import Recipient, recipient_source

from . import links
from .models import NewsletterSubscription


@recipient_source("newsletter")
def newsletter_subscribers(*, args: dict, after: int, limit: int) -> list[Recipient]:
    """The newsletter's confirmed subscribers (``args["newsletter_id"]``)."""
    rows = (
        NewsletterSubscription.objects.filter(
            newsletter_id=int(args["newsletter_id"]),
            status=NewsletterSubscription.ACTIVE,
            pk__gt=after,
        )
        .order_by("pk")
        .only("pk", "email")[:limit]
    )
    return [
        Recipient(
            ref=sub.pk, address=sub.email, context={"unsubscribe_url": links.unsubscribe_url(sub)}
        )
        for sub in rows
    ]


@recipient_source("newsletter_test")
def newsletter_test_recipient(*, args: dict, after: int, limit: int) -> list[Recipient]:
    """An editor's test copy: one address; its unsubscribe link is the catalogue."""
    if after >= 1 or limit < 1:
        return []
    catalogue = site_url(reverse("newsletters:catalogue"))
    return [Recipient(ref=1, address=str(args["address"]), context={"unsubscribe_url": catalogue})]
