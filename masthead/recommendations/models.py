"""What recommendations keep: each story's "More on this" list, and editors' pins."""

from __future__ import annotations

from django.db import models


class RelatedStory(models.Model):
    """One entry of a story's "More on this" list, computed when a story is published."""

    story_id = models.PositiveBigIntegerField()
    related_id = models.PositiveBigIntegerField()
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story_id", "rank"], name="recommendations_rank_once")
        ]
        ordering = ["story_id", "rank"]

    def __str__(self) -> str:
        return f"story {self.story_id} #{self.rank}: {self.related_id}"


class VideoPin(models.Model):
    """A video an editor puts first in every reader's "Your Three" (newest pin wins)."""

    video_id = models.PositiveBigIntegerField(
        verbose_name="video", help_text="Shown first in every reader's Your Three."
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why, for other editors.")
    active = models.BooleanField(default=True)
    pinned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pinned_at"]
        verbose_name = "pinned video"

    def __str__(self) -> str:
        from masthead.analytics.catalogue import catalogue

        item = catalogue().items("v", [self.video_id]).get(self.video_id)
        return f"Pinned: {item.title if item else f'video {self.video_id}'}"
