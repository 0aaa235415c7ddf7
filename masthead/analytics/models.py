"""What the database keeps of reading: counted views per reader, and hourly totals.

Both tables are written in batches (by a web process's flush thread on the
embedded runtime, by the periodic aggregation from Redis in production),
never once per page view. See ``CONTEXT.md`` for the words.
"""

from __future__ import annotations

from django.db import models

STORY, VIDEO = "s", "v"
KINDS = [(STORY, "Story"), (VIDEO, "Video")]


class ReaderView(models.Model):
    """One counted view: this reader opened this story or video at this time.

    Reloads within the dedup window are not rows. ``reader`` is an opaque key
    (``analytics.readers``), never an address or a cookie value.
    """

    reader = models.CharField(max_length=40)
    kind = models.CharField(max_length=1, choices=KINDS)
    object_id = models.PositiveBigIntegerField()
    viewed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["reader", "viewed_at"], name="analytics_rv_reader"),
            models.Index(fields=["viewed_at"], name="analytics_rv_time"),
        ]

    def __str__(self) -> str:
        return f"{self.reader} {self.kind}{self.object_id} {self.viewed_at:%Y-%m-%d %H:%M}"


class ViewCount(models.Model):
    """Counted views of one story or video in one clock hour (UTC).

    ``epoch`` names where the figure came from: empty for the embedded
    runtime (rows are incremented), else the Redis data set the aggregation
    copied it from (rows are overwritten with Redis's running total, so any
    number of workers may copy the same hour; a Redis that restarted empty
    starts a new epoch instead of overwriting what was copied before).
    """

    kind = models.CharField(max_length=1, choices=KINDS)
    object_id = models.PositiveBigIntegerField()
    section_id = models.PositiveBigIntegerField(null=True, blank=True)
    hour = models.DateTimeField()
    epoch = models.CharField(max_length=16, blank=True, default="")
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "hour", "epoch"], name="analytics_viewcount_once"
            )
        ]
        indexes = [
            models.Index(fields=["kind", "hour"], name="analytics_vc_hour"),
            models.Index(fields=["section_id", "hour"], name="analytics_vc_section"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}{self.object_id} {self.hour:%Y-%m-%d %H}h: {self.views}"
