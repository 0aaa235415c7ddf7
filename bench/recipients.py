"""The recipient source of the bulk-send benchmark and fault test: ``count``
numbered readers, generated page by page (nothing held in memory)."""

from __future__ import annotations

from masthead.mail.recipients import Recipient, recipient_source


@recipient_source("numbered")
def numbered_readers(*, args: dict, after: int, limit: int) -> list[Recipient]:
    last = min(after + limit, int(args["count"]))
    site = args.get("site", "http://testserver")
    domain = args.get("domain", "example.org")
    return [
        Recipient(
            ref=n,
            address=f"reader{n}@{domain}",
            context={"unsubscribe_url": f"{site}/newsletters/unsubscribe/{n}/"},
        )
        for n in range(after + 1, last + 1)
    ]
