"""Email provider webhooks (django-anymail): hard bounces and complaints become
suppressions, so those addresses get no bulk email again.

Anymail's tracking views do the provider-specific work: they check the basic
auth credentials in ``ANYMAIL["WEBHOOK_SECRET"]`` (and, for Mailgun, the
payload signature), parse the provider's payload and send the ``tracking``
signal with one normalised event per recipient. The endpoint answers only for
the providers in ``MAIL_WEBHOOK_PROVIDERS`` (by default the one ``EMAIL_URL``
names) and only with a secret set; anything else is a 404, never a 500.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt

from .suppression import suppression_add

logger = logging.getLogger(__name__)

# Provider events that mean "never send bulk email here again".
_SOFT_BOUNCES = {"SoftBounce", "Transient", "DnsError"}  # Postmark's soft kinds of "Bounce"


def webhook_providers() -> list[str]:
    configured = getattr(settings, "MAIL_WEBHOOK_PROVIDERS", None)
    if configured is not None:
        return list(configured)
    backend = settings.EMAIL_BACKEND
    if backend.startswith("anymail.backends."):
        return [backend.split(".")[2]]
    return []


def _tracking_view(provider: str):
    from anymail import urls as anymail_urls

    for pattern in anymail_urls.urlpatterns:
        if getattr(pattern, "name", None) == f"{provider}_tracking_webhook":
            return pattern.callback
    return None


@csrf_exempt
def tracking_webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """The provider's tracking webhook, if it is one of ours and configured."""
    secret = (getattr(settings, "ANYMAIL", None) or {}).get("WEBHOOK_SECRET")
    view = _tracking_view(provider) if provider in webhook_providers() else None
    if view is None or not secret:
        raise Http404("No such webhook.")
    try:
        return view(request)
    except ImproperlyConfigured:
        logger.exception("The %s webhook is not fully configured", provider)
        raise Http404("No such webhook.") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        # Anymail parses some providers' payloads without catching malformed JSON.
        logger.warning("Malformed %s webhook payload: %s", provider, exc)
        return HttpResponseBadRequest("Malformed webhook payload.")


def suppression_from_event(event) -> str | None:
    """The suppression reason a normalised anymail event calls for, if any."""
    kind = event.event_type
    if kind == "complained":
        return "complained"
    if kind == "bounced":
        raw = event.esp_event if isinstance(event.esp_event, dict) else {}
        if raw.get("Type") in _SOFT_BOUNCES:
            return None
        return "bounced"
    if kind == "rejected" and event.reject_reason in ("bounced", "invalid"):
        return "bounced"  # the provider refuses the address: it bounced before
    return None


def on_tracking(sender, event, esp_name: str, **kwargs) -> None:
    """anymail's ``tracking`` signal: suppress hard bounces and complaints."""
    reason = suppression_from_event(event)
    if reason and event.recipient:
        detail = f"{esp_name} {event.event_type}: {event.description or event.mta_response or ''}"
        suppression_add(address=event.recipient, reason=reason, detail=detail.strip())
