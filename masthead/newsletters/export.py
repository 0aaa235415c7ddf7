"""Newsletter subscriptions in "download my data"."""

from masthead.accounts.export import exporter

from .models import NewsletterSubscription


@exporter("newsletter_subscriptions")
def _subscriptions(user) -> list[dict]:
    rows = NewsletterSubscription.objects.filter(user=user).select_related("newsletter")
    return [
        {
            "newsletter": s.newsletter.name,
            "email": s.email,
            "status": s.status,
            "since": s.created_at,
            "confirmed_at": s.confirmed_at,
        }
        for s in rows.order_by("created_at")
    ]
