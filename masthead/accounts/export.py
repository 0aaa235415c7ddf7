"""What "download my data" collects: a registry that every app adds to.

An app that keeps personal data about a reader registers a contributor in its
own ``export.py`` (found automatically on the first export)::

    from masthead.accounts.export import exporter

    @exporter("newsletter_subscriptions")
    def subscriptions(user):
        return [{"newsletter": s.newsletter.name, "since": s.created_at} for s in ...]

Each contributor returns JSON-serialisable data (dates are fine: the view
encodes them with Django's JSON encoder).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.module_loading import autodiscover_modules

from masthead.core.emails import same_email

Contributor = Callable[[Any], Any]

EXPORTERS: dict[str, Contributor] = {}
_discovered = False


def exporter(name: str) -> Callable[[Contributor], Contributor]:
    def register(function: Contributor) -> Contributor:
        EXPORTERS[name] = function
        return function

    return register


def discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("export")
        _discovered = True


@exporter("account")
def _account(user) -> dict:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
        "has_password": user.has_usable_password(),
    }


@exporter("email_addresses")
def _email_addresses(user) -> list[dict]:
    from allauth.account.models import EmailAddress

    return [
        {"email": a.email, "verified": a.verified, "primary": a.primary}
        for a in EmailAddress.objects.filter(user=user).order_by("pk")
    ]


@exporter("emails_sent")
def _emails(user) -> list[dict]:
    from masthead.mail.models import Delivery

    return [
        {
            "subject": d.subject,
            "template": d.template,
            "status": d.status,
            "created_at": d.created_at,
            "sent_at": d.sent_at,
        }
        for d in Delivery.objects.filter(same_email(user.email, "to")).order_by("created_at")
    ]
