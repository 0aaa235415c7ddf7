"""The embedded sink: counted views straight into the database, in one transaction.

Dedup: a view is counted unless the same reader's counted view of the same
item lies less than ``ANALYTICS_DEDUP_SECONDS`` before it (one query per
batch for the rows already stored, then in order within the batch). Several
processes of one machine flush to the same database, so the check is against
the rows rather than per process.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q

from .catalogue import catalogue
from .models import STORY, ReaderView, ViewCount


def dedup_seconds() -> int:
    return getattr(settings, "ANALYTICS_DEDUP_SECONDS", 1800)


def hour_of(ts: float) -> datetime:
    return datetime.fromtimestamp(ts - ts % 3600, tz=UTC)


def story_sections(story_ids) -> dict[int, int | None]:
    found = catalogue().story_sections(set(story_ids))
    return {i: found.get(i) for i in story_ids}


def views_store(batch: list[tuple[str, str, int, float]]) -> int:
    window = dedup_seconds()
    batch = sorted(batch, key=lambda view: view[3])
    earliest = batch[0][3] - window
    pairs = {(reader, kind, object_id) for reader, kind, object_id, _ in batch}
    last_counted: dict[tuple[str, str, int], float] = {}
    readers = {reader for reader, _, _, _ in batch}
    stored = ReaderView.objects.filter(
        reader__in=readers, viewed_at__gt=datetime.fromtimestamp(earliest, tz=UTC)
    ).values_list("reader", "kind", "object_id", "viewed_at")
    for reader, kind, object_id, viewed_at in stored:
        key = (reader, kind, object_id)
        if key in pairs:
            last_counted[key] = max(last_counted.get(key, 0.0), viewed_at.timestamp())
    rows: list[tuple[str, str, int, float]] = []
    totals: Counter = Counter()
    for reader, kind, object_id, ts in batch:
        key = (reader, kind, object_id)
        previous = last_counted.get(key)
        if previous is not None and ts - previous < window:
            continue
        last_counted[key] = ts
        rows.append((reader, kind, object_id, ts))
        totals[(kind, object_id, hour_of(ts))] += 1
    if not rows:
        return 0
    sections = story_sections({oid for kind, oid, _ in totals if kind == STORY})
    with transaction.atomic():
        history_insert(rows)
        counts_add(totals, sections)
    return len(rows)


def history_insert(rows: list[tuple[str, str, int, float]]) -> None:
    """INSERT ``ReaderView`` rows with one ``executemany``.

    The ORM's ``bulk_create`` prepares every value of every model instance in
    Python; for history rows (four plain columns) that was most of the cost of
    a flush (measured: 4,300 views/s, see bench/scenarios/analytics.py).
    """
    table = ReaderView._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in ("reader", "kind", "object_id", "viewed_at"))
    sql = f"INSERT INTO {quote(table)} ({columns}) VALUES (%s, %s, %s, %s)"  # noqa: S608
    params = [
        (reader, kind, object_id, adapt(datetime.fromtimestamp(ts, tz=UTC)))
        for reader, kind, object_id, ts in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def counts_add(totals: Counter, sections: dict[int, int | None]) -> None:
    """Add to the hourly totals (epoch ""), creating rows as needed."""
    existing = ViewCount.objects.filter(
        epoch="",
        hour__in={hour for _, _, hour in totals},
        object_id__in={oid for _, oid, _ in totals},
    ).values_list("kind", "object_id", "hour")
    present = {(kind, oid, hour) for kind, oid, hour in existing}
    new = [
        ViewCount(
            kind=kind, object_id=oid, hour=hour, views=n,
            section_id=sections.get(oid) if kind == STORY else None,
        )
        for (kind, oid, hour), n in totals.items()
        if (kind, oid, hour) not in present
    ]  # fmt: skip
    for (kind, oid, hour), n in totals.items():
        if (kind, oid, hour) in present:
            ViewCount.objects.filter(kind=kind, object_id=oid, hour=hour, epoch="").update(
                views=F("views") + n
            )
    try:
        with transaction.atomic():
            ViewCount.objects.bulk_create(new)
    except IntegrityError:  # another process created one of them first
        for row in new:
            updated = ViewCount.objects.filter(
                Q(kind=row.kind, object_id=row.object_id, hour=row.hour, epoch="")
            ).update(views=F("views") + row.views)
            if not updated:
                row.save()
