"""Write paths for series follows and the alerts they receive.

Follows work as newsletter subscriptions do: anonymous addresses confirm by
email first (and the form answers the same whatever the address's state),
a signed-in reader's own confirmed address follows at once, and confirming
signs nobody in.

Alerts: ``content`` calls ``series_alert_start`` when a story of a series is
published for the first time. The alert row is unique per story and its bulk
send is keyed by the story, so however often the page events fire (edits,
unpublish and republish, a second scheduled publish), one story makes one
send; the engine writes one delivery per (send, follow), so each follower
gets it once.
"""

from __future__ import annotations

import time

from django.db import transaction
from django.utils import timezone

from masthead.accounts.verification import address_verified, verified_owner
from masthead.core.db import insert_or_ignore, insert_or_lock
from masthead.core.emails import same_email
from masthead.mail.bulk import bulk_send_start
from masthead.mail.services import email_enqueue

from . import links
from .models import SeriesAlert, SeriesFollow

EMAIL_WINDOW_SECONDS = 3600


def _activate(follow: SeriesFollow, *, user=None) -> None:
    follow.status = SeriesFollow.ACTIVE
    follow.confirmed_at = follow.confirmed_at or timezone.now()
    follow.stopped_at = None
    if user is not None:
        follow.user = user
    follow.save(update_fields=["status", "confirmed_at", "stopped_at", "user"])


def follow_request(*, email: str, series, user=None) -> str:
    """A reader asks for alerts from ``series`` at ``email``: "active" when it is
    a signed-in reader's own confirmed address, else "pending" (an email is on
    its way; the answer must not say whether the address already follows)."""
    from masthead.accounts.services import normalise_email

    email = normalise_email(email)
    with transaction.atomic():
        # Created pending if there is none; a known address costs what a new one does.
        follow = insert_or_lock(
            SeriesFollow(series_id=series.pk, email=email), same_email(email), series_id=series.pk
        )
        if address_verified(user, email):
            if follow.status != SeriesFollow.ACTIVE or follow.user_id != user.pk:
                _activate(follow, user=user)
            return SeriesFollow.ACTIVE
        window = int(time.time()) // EMAIL_WINDOW_SECONDS
        context = {"series": series.title, "email": follow.email}
        if follow.status == SeriesFollow.ACTIVE:
            template = "alerts/already_following"
            context["stop_url"] = links.stop_url(follow)
        else:
            if follow.status == SeriesFollow.STOPPED:
                follow.status = SeriesFollow.PENDING
                follow.save(update_fields=["status"])
            template = "alerts/confirm"
            context["confirm_url"] = links.confirm_url(follow)
        email_enqueue(
            key=f"alerts:follow:{follow.pk}:{window}",
            to=follow.email,
            template=template,
            context=context,
        )
    return SeriesFollow.PENDING


def follow_confirm(*, follow: SeriesFollow) -> SeriesFollow | None:
    """Confirm the follow a signed link named; idempotent. None if the row went
    in the meantime."""
    with transaction.atomic():
        follow = (
            SeriesFollow.objects.select_for_update()
            .select_related("series")
            .filter(pk=follow.pk)
            .first()
        )
        if follow is not None and follow.status == SeriesFollow.PENDING:
            _activate(follow, user=follow.user or verified_owner(follow.email))
    return follow


def follow_stop(*, follow: SeriesFollow) -> SeriesFollow:
    if follow.status != SeriesFollow.STOPPED:
        follow.status = SeriesFollow.STOPPED
        follow.stopped_at = timezone.now()
        follow.save(update_fields=["status", "stopped_at"])
    return follow


def reader_follows(user) -> list[SeriesFollow]:
    """The reader's follows (any state, so a stopped one can be turned back on):
    rows linked to the account, and rows for its own address once confirmed."""
    rows = SeriesFollow.objects.filter(user=user)
    if user.email and address_verified(user, user.email):
        rows = rows | SeriesFollow.objects.filter(same_email(user.email))
    return list(rows.select_related("series").order_by("series__title", "pk"))


def follow_toggle(*, user, follow_id: int, on: bool) -> SeriesFollow | None:
    """The account page's switch for one of the reader's own follows."""
    follow = next((f for f in reader_follows(user) if f.pk == follow_id), None)
    if follow is None:
        return None
    if not on:
        return follow_stop(follow=follow)
    follow_request(email=follow.email, series=follow.series, user=user)
    follow.refresh_from_db()
    return follow


def series_alert_start(*, story_id: int, series_id: int, teaser: dict) -> SeriesAlert | None:
    """A story of a series was published for the first time: record its one
    alert and start its bulk send (keyed by the story), in the caller's
    transaction. None when the story already has its alert (nothing is sent)."""
    with transaction.atomic():
        alert = SeriesAlert(
            story_id=story_id,
            series_id=series_id,
            title=teaser.get("title", "")[:255],
            summary=teaser.get("summary", ""),
            url=teaser.get("url", ""),
            image_url=teaser.get("image_url", ""),
            image_alt=teaser.get("image_alt", "")[:250],
        )
        if not insert_or_ignore(alert):
            return None
        alert = SeriesAlert.objects.select_related("series").get(pk=alert.pk)
        send = bulk_send_start(
            key=f"alerts:story:{story_id}",
            template="alerts/new_story",
            context=alert_context(alert),
            source="series_followers",
            source_args={"series_id": series_id},
        )
        SeriesAlert.objects.filter(pk=alert.pk).update(send_ref=str(send.pk))
    return alert


def alert_context(alert: SeriesAlert) -> dict:
    return {
        "series": alert.series.title,
        "title": alert.title,
        "summary": alert.summary,
        "url": alert.url,
        "image_url": alert.image_url,
        "image_alt": alert.image_alt,
    }
