"""Editions: composed from the day's stories, curated by editors, then sent.

Stories belong to ``content``, which sits above this app: it registers a
*story source* here (``story_source_register``) that lists the stories
published in a time range as plain teasers. An edition keeps copies of those
teasers, so what it sent and what its web version shows never change when a
story is edited later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from masthead.core.site_url import site_url

from .models import Edition, EditionItem, Newsletter, NewsletterSettings

MAX_ITEMS = 12


@dataclass(frozen=True)
class Teaser:
    """A story as a newsletter or an alert shows it; URLs are absolute."""

    page_id: int
    title: str
    summary: str
    url: str
    image_url: str = ""
    image_alt: str = ""


StorySource = Callable[..., list[Teaser]]
_story_source: StorySource | None = None


def story_source_register(source: StorySource) -> None:
    """``source(*, start, end, section_id) -> [Teaser]``: stories first published
    in [start, end), newest first, under ``section_id`` if it is not None."""
    global _story_source
    _story_source = source


def stories_between(*, start: datetime, end: datetime, section_id: int | None) -> list[Teaser]:
    if _story_source is None:
        return []
    return _story_source(start=start, end=end, section_id=section_id)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def edition_period(newsletter: Newsletter, day: date) -> tuple[datetime, datetime]:
    """The stories an edition for ``day`` carries: the 24 hours before its
    composition (the seven days before, for a weekly)."""
    config = NewsletterSettings.load()
    end = datetime.combine(day, config.compose_time, tzinfo=timezone.get_current_timezone())
    days = 7 if newsletter.frequency == Newsletter.WEEKLY else 1
    return end - timedelta(days=days), end


def edition_compose(*, newsletter: Newsletter, day: date) -> Edition | None:
    """The draft edition of ``newsletter`` for ``day``, built once: a second call
    returns the first edition untouched (editors may have curated it). None when
    there is nothing to send."""
    existing = Edition.objects.filter(newsletter=newsletter, issue_date=day).first()
    if existing is not None:
        return existing
    start, end = edition_period(newsletter, day)
    teasers = stories_between(start=start, end=end, section_id=newsletter.section_id)[:MAX_ITEMS]
    if not teasers:
        return None
    config = NewsletterSettings.load()
    send_at = None
    status = Edition.DRAFT
    if config.send_time is not None:
        send_at = datetime.combine(day, config.send_time, tzinfo=timezone.get_current_timezone())
        status = Edition.SCHEDULED
    try:
        with transaction.atomic():
            edition = Edition.objects.create(
                newsletter=newsletter,
                issue_date=day,
                subject=f"{newsletter.name}: {teasers[0].title}"[:200],
                status=status,
                send_at=send_at,
            )
            EditionItem.objects.bulk_create(
                EditionItem(
                    edition=edition,
                    sort_order=index,
                    page_id=teaser.page_id,
                    title=teaser.title[:255],
                    summary=teaser.summary,
                    url=teaser.url,
                    image_url=teaser.image_url,
                    image_alt=teaser.image_alt[:250],
                )
                for index, teaser in enumerate(teasers)
            )
    except IntegrityError:  # another scheduler composed it first
        return Edition.objects.get(newsletter=newsletter, issue_date=day)
    return edition


def editions_compose_due(*, now: datetime | None = None) -> list[Edition]:
    """Compose today's editions whose time has come (called every minute by the
    scheduler; safe to call from several workers: one edition per day each)."""
    now = timezone.localtime(now or timezone.now())
    config = NewsletterSettings.load()
    if now.time() < config.compose_time:
        return []
    composed = []
    for newsletter in Newsletter.objects.filter(active=True).exclude(
        frequency=Newsletter.OCCASIONAL
    ):
        if newsletter.frequency == Newsletter.WEEKLY and now.weekday() != config.weekly_day:
            continue
        edition = edition_compose(newsletter=newsletter, day=now.date())
        if edition is not None:
            composed.append(edition)
    return composed


def edition_context(edition: Edition) -> dict:
    """Everything an edition's email and web version show (JSON-serialisable)."""
    newsletter = edition.newsletter
    return {
        "newsletter": newsletter.name,
        "subject": edition.subject,
        "intro": edition.intro,
        "issue_date": f"{edition.issue_date:%B} {edition.issue_date.day}, {edition.issue_date:%Y}",
        "web_url": site_url(edition.get_absolute_url()),
        "items": [
            {
                "title": item.title,
                "summary": item.summary,
                "url": item.url,
                "image_url": item.image_url,
                "image_alt": item.image_alt,
            }
            for item in edition.items.all().order_by("sort_order", "pk")
        ],
    }


def edition_latest(newsletter: Newsletter) -> Edition | None:
    """The newest sent edition: the catalogue's sample."""
    public = (Edition.SENT, Edition.PARTIAL)
    return newsletter.editions.filter(status__in=public).order_by("-issue_date", "-pk").first()
