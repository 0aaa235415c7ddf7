"""The sending engine: enqueue a delivery, send it once, retry what is transient.

Glossary (see CONTEXT.md): *queued* — waiting for a worker; *sending* — claimed
by a worker; *sent* — accepted by the SMTP server or provider (not "delivered");
*failed* — given up (permanent refusal or attempts exhausted).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import smtplib
from datetime import timedelta
from email.utils import formataddr, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from masthead.core.db import insert_or_ignore

from .models import Delivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A worker that claimed a row this long ago and never finished has died.
CLAIM_TIMEOUT = timedelta(minutes=10)
# A queued row this far past its due time has probably lost its task. The database
# backend commits the task with the row, so only a crashed task loses one there:
# wait longer, so that a long queue (a newsletter send) is not swept twice.
SWEEP_GRACE = timedelta(minutes=5)
SWEEP_GRACE_DATABASE = timedelta(hours=1)

_TEMPLATE_NAME = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*$")
# RFC 5322 field names: printable ASCII except colon and space.
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")
_RESERVED_HEADERS = {"from", "to", "cc", "bcc", "subject", "message-id", "date", "sender"}


class EmailError(ValueError):
    """A delivery was asked for with data that can never be sent."""


# The common shape of an address, which Django's validator accepts too (a
# narrower dot-atom, ASCII labels, a letters-only top-level domain): a bulk
# send's fan-out checks every recipient, and Django's lazily compiled,
# Unicode-aware patterns cost several times this one. Anything else goes to
# Django's validator.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def clean_address(address: str) -> str:
    """A single bare address, validated; refuses anything that could forge a header."""
    address = (address or "").strip()
    if len(address) <= 254 and _PLAIN_ADDRESS.fullmatch(address):
        return address
    if "\r" in address or "\n" in address or "," in address:
        raise EmailError("An email address may not contain line breaks or commas.")
    if len(address) > 254:  # what every address column holds (RFC 5321's path limit)
        raise EmailError("An email address holds at most 254 characters.")
    try:
        validate_email(address)
    except ValidationError:
        raise EmailError(f"Not a valid email address: {address!r}") from None
    return address


def _clean_headers(headers: dict) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for name, value in headers.items():
        name, value = str(name), str(value)
        if not _HEADER_NAME.match(name) or name.lower() in _RESERVED_HEADERS:
            raise EmailError(f"Header name not allowed: {name!r}")
        if "\r" in value or "\n" in value:
            raise EmailError(f"Header {name} may not contain line breaks.")
        cleaned[name] = value
    return cleaned


def message_id_domain() -> str:
    """The domain of Message-IDs: DEFAULT_FROM_EMAIL's, else SITE_URL's host."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    domain = address.rpartition("@")[2] if "@" in address else ""
    return domain or urlsplit(settings.SITE_URL).hostname or "localhost"


def _message_id(key: str, domain: str | None = None) -> str:
    """Stable across retries, so a receiver can recognise a repeat of the same
    email. A bulk batch passes ``domain`` (``message_id_domain``) once for all
    its messages: parsing the address again for each cost a tenth of a message."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain or message_id_domain()}>"


def _enqueue_send(delivery_id: int, *, run_after=None) -> None:
    """Enqueue the send task; with a database backend the task row joins the
    current transaction, with any other backend it waits for the commit."""
    from django_tasks_db import DatabaseBackend

    from .tasks import send_delivery

    task = send_delivery
    backend = task.get_backend()
    if run_after is not None:
        if not backend.supports_defer:
            return  # the sweep picks it up when it is due
        task = task.using(run_after=run_after)
    if isinstance(backend, DatabaseBackend):
        task.enqueue(delivery_id)
    else:
        transaction.on_commit(lambda: task.enqueue(delivery_id))


def delivery_new(
    *, key: str, to: str, template: str, context: dict, headers: dict | None = None
) -> Delivery:
    """One email to one recipient, checked and built but not saved (see ``email_enqueue``)."""
    if not key or len(key) > 200:
        raise EmailError("A delivery key is required and holds at most 200 characters.")
    if not _TEMPLATE_NAME.match(template):
        raise EmailError(f"Not a template name: {template!r}")
    to = clean_address(to)
    headers = _clean_headers(headers or {})
    try:
        context = json.loads(json.dumps(context))
    except (TypeError, ValueError) as exc:
        raise EmailError(f"The email context must be JSON-serialisable: {exc}") from None
    return Delivery(
        key=key,
        to=to,
        template=template,
        context=context,
        headers=headers,
        message_id=_message_id(key),
    )


def email_enqueue(
    *, key: str, to: str, template: str, context: dict, headers: dict | None = None
) -> Delivery:
    """Record one email to one recipient and enqueue its sending.

    Call it inside the transaction of the change that causes the email: the
    delivery row and its task commit (or vanish) together with that change. A
    second call with the same ``key`` returns the first delivery and sends nothing.
    ``template`` names a triad under ``templates/email/``: ``<template>.subject.txt``,
    ``.txt`` and ``.html``; ``context`` must be JSON-serialisable.
    """
    delivery = delivery_new(key=key, to=to, template=template, context=context, headers=headers)
    return delivery_enqueue(delivery)


def delivery_enqueue(delivery: Delivery) -> Delivery:
    """Record a delivery from ``delivery_new`` and enqueue its sending, unless
    one with its key exists (that one is returned, and nothing is sent)."""
    # One INSERT that does nothing if the key is taken; no savepoint, so a
    # failure fails the caller's transaction (outside one, this is the transaction).
    with transaction.atomic(savepoint=False):
        if not insert_or_ignore(delivery):
            return Delivery.objects.get(key=delivery.key)
        _enqueue_send(delivery.pk)
    return delivery


def _site_context() -> dict:
    from masthead.core.models import SiteSettings

    return {"site_name": SiteSettings.load().site_name, "site_url": settings.SITE_URL}


def _from_email(site_name: str) -> str:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    name = re.sub(r"[\r\n]+", " ", site_name or name).strip()
    return formataddr((name, address)) if name else address


def delivery_message(delivery: Delivery) -> EmailMultiAlternatives:
    """The multipart (plain text + HTML) message for a delivery, rendered now."""
    from .rendering import email_render  # CSS inlined, as every email (rendering.py)

    rendered = email_render(template=delivery.template, context=delivery.context)
    subject, text, html = rendered.subject, rendered.text, rendered.html
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=_from_email(_site_context()["site_name"]),
        to=[delivery.to],
        headers={**delivery.headers, "Message-ID": delivery.message_id},
    )
    message.attach_alternative(html, "text/html")
    return message


def _is_transient(exc: BaseException) -> bool:
    """Worth another try: connection trouble and 4xx answers; 5xx answers are final."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPException | OSError)


def retry_delay(attempts: int) -> timedelta:
    """30 s, 2 min, 8 min, 32 min: quick for a blip, patient for an outage."""
    return timedelta(seconds=30 * 4 ** max(attempts - 1, 0))


def delivery_send(*, delivery_id: int, resumed: bool = False) -> str:
    """Send one delivery unless it is sent, failed, not yet due or held by another worker.

    The claim (status *sending*) commits before the SMTP conversation, so a
    second run of the same task sees it and stops; no transaction is held open
    while talking to the server. Returns the outcome, for the task's result.
    ``resumed``: this task's previous run died with its worker (the heartbeat
    handed it back), so a fresh claim is that run's and is taken over at once
    rather than after ``CLAIM_TIMEOUT``; the email may then go out twice, at
    most once per killed worker.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            return "missing"
        if delivery.status in (Delivery.Status.SENT, Delivery.Status.FAILED):
            return delivery.status
        if (
            delivery.status == Delivery.Status.SENDING
            and not resumed
            and (delivery.claimed_at and now - delivery.claimed_at < CLAIM_TIMEOUT)
        ):
            return "busy"
        if delivery.next_attempt_at > now + timedelta(seconds=1):
            return "not-due"
        delivery.status = Delivery.Status.SENDING
        delivery.claimed_at = now
        delivery.attempts += 1
        delivery.updated_at = now
        delivery.save(update_fields=["status", "claimed_at", "attempts", "updated_at"])

    try:
        message = delivery_message(delivery)
    except Exception as exc:  # a template or context error never heals by itself
        logger.exception("Rendering delivery %s failed", delivery_id)
        return _record_failure(delivery, exc, transient=False)
    try:
        with get_connection(fail_silently=False) as connection:
            connection.send_messages([message])
    except Exception as exc:
        logger.warning("Sending delivery %s failed: %s", delivery_id, exc)
        return _record_failure(delivery, exc, transient=_is_transient(exc))
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
        updated_at=timezone.now(),
        subject=message.subject[:255],
        last_error="",
    )
    return Delivery.Status.SENT


def _record_failure(delivery: Delivery, exc: BaseException, *, transient: bool) -> str:
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:2000]
    with transaction.atomic():
        if transient and delivery.attempts < MAX_ATTEMPTS:
            due = now + retry_delay(delivery.attempts)
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.QUEUED,
                next_attempt_at=due,
                claimed_at=None,
                last_error=error,
                updated_at=now,
            )
            _enqueue_send(delivery.pk, run_after=due)
            return "retry"
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, claimed_at=None, last_error=error, updated_at=now
        )
    return Delivery.Status.FAILED


def deliveries_sweep() -> int:
    """Re-enqueue deliveries whose task was lost: queued and long overdue, or
    claimed by a worker that died. Duplicate tasks are harmless (see
    ``delivery_send``). Returns how many were re-enqueued."""
    from django_tasks_db import DatabaseBackend

    from .tasks import send_delivery

    now = timezone.now()
    grace = (
        SWEEP_GRACE_DATABASE
        if isinstance(send_delivery.get_backend(), DatabaseBackend)
        else SWEEP_GRACE
    )
    overdue = Delivery.objects.filter(
        status=Delivery.Status.QUEUED, next_attempt_at__lt=now - grace
    )
    stale = Delivery.objects.filter(
        status=Delivery.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    ids = list(overdue.values_list("pk", flat=True)[:1000])
    ids += list(stale.values_list("pk", flat=True)[:1000])
    for delivery_id in ids:
        with transaction.atomic():
            # Moving the due time makes the next sweep wait a full grace period again.
            Delivery.objects.filter(pk=delivery_id).update(next_attempt_at=now)
            _enqueue_send(delivery_id)
    return len(ids)


def address_mail_forget(*, address: str) -> None:
    """Erase every email kept for ``address`` (a reader deleting their account):
    one-off deliveries, bulk deliveries and the demo mailbox's copies. A
    suppression stays: it records that the address refused mail, which is
    what keeps it from being mailed again."""
    from masthead.core.emails import same_email

    from .models import BulkDelivery, MailboxMessage

    Delivery.objects.filter(same_email(address, "to")).delete()
    BulkDelivery.objects.filter(same_email(address, "to")).delete()
    MailboxMessage.objects.filter(same_email(address, "to")).delete()
