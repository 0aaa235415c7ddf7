"""The reader's meter, subscriptions and consents in "download my data"."""

from masthead.accounts.export import exporter

from .models import Consent, Entitlement, Read


@exporter("subscriptions")
def _subscriptions(user) -> list[dict]:
    return [
        {"kind": e.kind, "starts_at": e.starts_at, "ends_at": e.ends_at}
        for e in Entitlement.objects.filter(user=user).order_by("starts_at")
    ]


@exporter("consents")
def _consents(user) -> list[dict]:
    return [
        {
            "terms_version": c.terms_version,
            "agreed_at": c.agreed_at,
            "ip": c.ip,
            "user_agent": c.user_agent,
            "source": c.source,
        }
        for c in Consent.objects.filter(user=user).order_by("agreed_at")
    ]


@exporter("stories_read")
def _reads(user) -> list[dict]:
    rows = Read.objects.filter(user=user).select_related("story").order_by("first_read_at")
    return [
        {"story": r.story.title, "url": r.story.url, "first_read_at": r.first_read_at} for r in rows
    ]
