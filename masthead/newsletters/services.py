"""Write paths for newsletter subscriptions."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from masthead.core.emails import same_email

from .models import Newsletter, NewsletterSubscription


def newsletter_default() -> Newsletter | None:
    """The daily newsletter (the one flagged default), if an editor kept one."""
    return Newsletter.objects.filter(is_default=True).order_by("pk").first()


def newsletter_subscribe(*, user, newsletter: Newsletter) -> NewsletterSubscription:
    """Subscribe a reader whose address is verified, at once (no second opt-in).

    Idempotent: an existing subscription for the address is re-activated, not
    duplicated, and concurrent calls settle on one row.
    """
    now = timezone.now()
    email = user.email
    sub = NewsletterSubscription.objects.filter(same_email(email), newsletter=newsletter).first()
    if sub is None:
        try:
            with transaction.atomic():
                return NewsletterSubscription.objects.create(
                    newsletter=newsletter,
                    user=user,
                    email=email,
                    status=NewsletterSubscription.ACTIVE,
                    confirmed_at=now,
                )
        except IntegrityError:
            sub = NewsletterSubscription.objects.get(same_email(email), newsletter=newsletter)
    if sub.status != NewsletterSubscription.ACTIVE or sub.user_id != user.pk:
        sub.status = NewsletterSubscription.ACTIVE
        sub.user = user
        sub.confirmed_at = sub.confirmed_at or now
        sub.save(update_fields=["status", "user", "confirmed_at"])
    return sub
