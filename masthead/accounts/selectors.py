"""What the account page shows. Other apps are asked lazily, so the page works
before they are installed and says nothing about what does not exist."""

from __future__ import annotations

import importlib
import logging

from masthead.core.emails import same_email

logger = logging.getLogger(__name__)


def _optional(module: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def reader_entitlement(user):
    """The reader's trial or subscription (active, or the one that ended last), or None."""
    entitlements = _optional("masthead.metering.entitlements")
    if entitlements is None:
        return None
    return entitlements.reader_entitlement(user)


def reader_newsletters(user) -> list:
    """The reader's newsletter subscriptions that are active or awaiting confirmation."""
    models = _optional("masthead.newsletters.models")
    if models is None or not hasattr(models, "NewsletterSubscription"):
        return []
    subscription = models.NewsletterSubscription
    return list(
        subscription.objects.filter(user=user)
        .exclude(status=getattr(subscription, "UNSUBSCRIBED", "unsubscribed"))
        .select_related("newsletter")
        .order_by("newsletter__name")
    )


def account_overview(user) -> dict:
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(same_email(user.email), user=user).first()
    return {
        "entitlement": reader_entitlement(user),
        "subscriptions": reader_newsletters(user),
        "email_verified": bool(address and address.verified),
        "has_password": user.has_usable_password(),
    }
