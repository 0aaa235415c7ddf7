"""Write paths for newsletter subscriptions: sign up, confirm, leave, toggle.

Anonymous sign-ups are double opt-in: the row waits as *pending* and an email
asks its owner to confirm. Whatever the address's state (new, pending, active,
unsubscribed), a sign-up does the same work — one row locked or written, one
email enqueued — and the reader sees the same answer, so the form tells
nobody whether an address takes a newsletter. Confirming a subscription only
confirms it: it signs nobody in and sets no password.
"""

from __future__ import annotations

import time

from django.db import IntegrityError, transaction
from django.utils import timezone

from masthead.accounts.verification import address_verified, verified_owner
from masthead.core.db import insert_or_lock
from masthead.core.emails import same_email
from masthead.mail.services import email_enqueue

from . import links
from .models import Newsletter, NewsletterSubscription

# Repeated sign-ups for one subscription within this window send one email.
EMAIL_WINDOW_SECONDS = 3600


def newsletter_default() -> Newsletter | None:
    """The daily newsletter (the one flagged default), if an editor kept one."""
    return Newsletter.objects.filter(is_default=True).order_by("pk").first()


def newsletters_active():
    return Newsletter.objects.filter(active=True).order_by("sort_order", "name")


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
        sub.unsubscribed_at = None
        sub.save(update_fields=["status", "user", "confirmed_at", "unsubscribed_at"])
    return sub


def subscription_request(*, email: str, newsletter: Newsletter, user=None) -> str:
    """A reader asks for ``newsletter`` at ``email``.

    Returns "active" when a signed-in reader gave their own confirmed address
    (subscribed at once), else "pending": a confirmation email is on its way
    (or, for an address that already takes the newsletter, a note saying so,
    with its unsubscribe link), and the answer must not say which.
    """
    from masthead.accounts.services import normalise_email

    email = normalise_email(email)
    if address_verified(user, email):
        newsletter_subscribe(user=user, newsletter=newsletter)
        return NewsletterSubscription.ACTIVE
    window = int(time.time()) // EMAIL_WINDOW_SECONDS
    with transaction.atomic():
        # Created pending if there is none; a known address costs what a new one does.
        sub = insert_or_lock(
            NewsletterSubscription(newsletter=newsletter, email=email),
            same_email(email),
            newsletter=newsletter,
        )
        context = {"newsletter": newsletter.name, "email": sub.email}
        if sub.status == NewsletterSubscription.ACTIVE:
            template = "newsletters/already_subscribed"
            context["unsubscribe_url"] = links.unsubscribe_url(sub)
        else:
            if sub.status == NewsletterSubscription.UNSUBSCRIBED:
                sub.status = NewsletterSubscription.PENDING
                sub.save(update_fields=["status"])
            template = "newsletters/confirm"
            context["confirm_url"] = links.confirm_url(sub)
        email_enqueue(
            key=f"newsletters:signup:{sub.pk}:{window}",
            to=sub.email,
            template=template,
            context=context,
        )
    return NewsletterSubscription.PENDING


def subscription_confirm(*, subscription: NewsletterSubscription) -> NewsletterSubscription | None:
    """Confirm the subscription a signed link named; idempotent. Links it to the
    account whose confirmed address it is, if there is one. None if the row
    went in the meantime."""
    with transaction.atomic():
        sub = (
            NewsletterSubscription.objects.select_for_update()
            .select_related("newsletter")
            .filter(pk=subscription.pk)
            .first()
        )
        if sub is not None and sub.status == NewsletterSubscription.PENDING:
            sub.status = NewsletterSubscription.ACTIVE
            sub.confirmed_at = timezone.now()
            sub.unsubscribed_at = None
            sub.user = sub.user or verified_owner(sub.email)
            sub.save(update_fields=["status", "confirmed_at", "unsubscribed_at", "user"])
    return sub


def subscription_stop(*, subscription: NewsletterSubscription) -> NewsletterSubscription:
    """Unsubscribe; idempotent (a second click changes nothing)."""
    if subscription.status != NewsletterSubscription.UNSUBSCRIBED:
        subscription.status = NewsletterSubscription.UNSUBSCRIBED
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["status", "unsubscribed_at"])
    return subscription


def reader_subscriptions(user) -> dict[int, NewsletterSubscription]:
    """The signed-in reader's subscriptions by newsletter id: rows linked to the
    account, and rows for its own address once that address is confirmed."""
    rows = NewsletterSubscription.objects.filter(user=user)
    if user.email and address_verified(user, user.email):
        rows = NewsletterSubscription.objects.filter(
            user=user
        ) | NewsletterSubscription.objects.filter(same_email(user.email))
    return {sub.newsletter_id: sub for sub in rows}


def subscription_toggle(*, user, newsletter: Newsletter, on: bool) -> str:
    """The account page's switch: "active", "pending" (confirmation sent to an
    unconfirmed account address) or "unsubscribed"."""
    if on:
        return subscription_request(email=user.email, newsletter=newsletter, user=user)
    sub = reader_subscriptions(user).get(newsletter.pk)
    if sub is not None:
        subscription_stop(subscription=sub)
    return NewsletterSubscription.UNSUBSCRIBED


def newsletter_suggestions(*, exclude: list[str], user=None, limit: int = 3) -> list[Newsletter]:
    """ "You might also like:" — other active newsletters: not those just signed up
    for (``exclude``, slugs), nor, for a signed-in reader, those they take."""
    taken: set[int] = set()
    if user is not None and getattr(user, "is_authenticated", False):
        taken = {
            pk
            for pk, sub in reader_subscriptions(user).items()
            if sub.status == NewsletterSubscription.ACTIVE
        }
    others = newsletters_active().exclude(slug__in=exclude).exclude(pk__in=taken)
    return list(others[:limit])


def subscriber_counts(*, newsletter: Newsletter, days: int = 30, today=None) -> list[tuple]:
    """Active subscribers at the end of each of the last ``days`` days, oldest
    first, from the rows' confirmed and unsubscribed times (for the chart)."""
    from datetime import datetime, timedelta
    from datetime import time as dtime

    today = today or timezone.localdate()
    rows = list(
        NewsletterSubscription.objects.filter(
            newsletter=newsletter, confirmed_at__isnull=False
        ).values_list("confirmed_at", "unsubscribed_at")
    )
    tz = timezone.get_current_timezone()
    points = []
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        end = datetime.combine(day + timedelta(days=1), dtime.min, tzinfo=tz)
        count = sum(
            1 for confirmed, left in rows if confirmed < end and (left is None or left >= end)
        )
        points.append((day, count))
    return points
