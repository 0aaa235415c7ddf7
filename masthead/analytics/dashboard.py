"""The newsroom dashboard's figures, one function per chart, as Chart.js data.

Each returns ``{"type", "labels", "datasets"}``; ``admin_views.py`` serves them
as JSON to ``static/masthead/js/dashboard.js``. Sign-ups, trials and
newsletter figures are asked of their apps (``metering.stats``,
``newsletters.stats``): analytics sits above them and reads no table of theirs.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from .catalogue import catalogue
from .models import STORY, ViewCount
from .selectors import top_ids

DAYS = 30


def _days(now: datetime, days: int) -> list[date]:
    today = timezone.localdate(now)
    return [today - timedelta(days=n) for n in range(days - 1, -1, -1)]


def _since(now: datetime, days: int) -> datetime:
    start = _days(now, days)[0]
    return timezone.make_aware(datetime.combine(start, datetime.min.time()))


def _per_day(series: dict[date, int], days: list[date]) -> list[int]:
    return [series.get(day, 0) for day in days]


def reads_per_day(*, now: datetime | None = None, days: int = DAYS) -> dict:
    now = now or timezone.now()
    rows = (
        ViewCount.objects.filter(kind=STORY, hour__gte=_since(now, days))
        .annotate(day=TruncDate("hour"))
        .values("day")
        .annotate(n=Sum("views"))
    )
    span = _days(now, days)
    counts = {row["day"]: row["n"] for row in rows}
    return {
        "type": "line",
        "labels": [day.isoformat() for day in span],
        "datasets": [{"label": "Story reads", "data": _per_day(counts, span)}],
    }


def _short(title: str, length: int = 48) -> str:
    """A headline short enough for a bar chart's axis."""
    return title if len(title) <= length else title[: length - 1].rstrip() + "…"


def top_stories_week(*, now: datetime | None = None, limit: int = 10) -> dict:
    ranked = top_ids(STORY, hours=7 * 24, limit=limit * 2, now=now)
    items = catalogue().items(STORY, [story_id for story_id, _ in ranked])
    shown = [(_short(items[i].title), n) for i, n in ranked if i in items][:limit]
    return {
        "type": "bar",
        "indexAxis": "y",
        "labels": [title for title, _ in shown],
        "datasets": [{"label": "Reads this week", "data": [n for _, n in shown]}],
    }


def reads_per_section(*, now: datetime | None = None, days: int = 7) -> dict:
    now = now or timezone.now()
    rows = (
        ViewCount.objects.filter(kind=STORY, hour__gte=now - timedelta(days=days))
        .exclude(section_id=None)
        .values("section_id")
        .annotate(n=Sum("views"))
    )
    counts = {row["section_id"]: row["n"] for row in rows}
    sections = catalogue().sections()
    return {
        "type": "bar",
        "labels": list(sections.values()),
        "datasets": [
            {"label": f"Reads, last {days} days", "data": [counts.get(i, 0) for i in sections]}
        ],
    }


def signups_per_day(*, now: datetime | None = None, days: int = DAYS) -> dict:
    from masthead.metering.stats import trials_per_day, wall_signups_per_day

    now = now or timezone.now()
    since = _since(now, days)
    span = _days(now, days)
    return {
        "type": "line",
        "labels": [day.isoformat() for day in span],
        "datasets": [
            {"label": "Wall sign-ups", "data": _per_day(wall_signups_per_day(since=since), span)},
            {"label": "Trials started", "data": _per_day(trials_per_day(since=since), span)},
        ],
    }


def newsletter_subscribers_per_day(*, now: datetime | None = None, days: int = DAYS) -> dict:
    from masthead.newsletters.stats import subscribers_per_day

    now = now or timezone.now()
    span = _days(now, days)
    return {
        "type": "line",
        "labels": [day.isoformat() for day in span],
        "datasets": [
            {
                "label": "New newsletter subscribers",
                "data": _per_day(subscribers_per_day(since=_since(now, days)), span),
            }
        ],
    }


CHARTS = {
    "reads-per-day": ("Reads per day", reads_per_day),
    "top-stories": ("Top stories this week", top_stories_week),
    "reads-per-section": ("Reads per section", reads_per_section),
    "signups": ("Wall sign-ups and trials per day", signups_per_day),
    "newsletters": ("Newsletter subscribers per day", newsletter_subscribers_per_day),
}
