"""Recommendations: "More on this" (computed on publish) and "Your Three" (per reader)."""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal

from masthead.analytics.catalogue import Item, catalogue
from masthead.analytics.models import STORY, VIDEO
from masthead.analytics.selectors import popular_ids, reader_history, top_ids, watched_videos

from . import similarity
from .models import RelatedStory, VideoPin

RELATED_LENGTH = 3
YOUR_THREE = 3
INDEX_TTL = 600.0

# Sent after a story's "More on this" list changed (content bumps the page cache on it).
related_changed = Signal()

_index_lock = threading.Lock()
_index: dict[str, tuple[float, similarity.Index]] = {}


def index_current(*, fresh: bool = False) -> similarity.Index:
    """The TF-IDF index of every live story and video, rebuilt at most every INDEX_TTL."""
    with _index_lock:
        cached = _index.get("all")
        if cached and not fresh and cached[0] > time.monotonic():
            return cached[1]
        items = catalogue().every(STORY) + catalogue().every(VIDEO)
        built = similarity.index_build(items)
        _index["all"] = (time.monotonic() + INDEX_TTL, built)
        return built


def index_forget() -> None:
    _index.clear()


def related_compute(*, story_id: int) -> list[int]:
    """Compute and store ``story_id``'s "More on this"; refresh its neighbours' lists too.

    A new story can belong on the lists of the stories it resembles, so those
    are recomputed with it (their lists only; not the whole site). The index is
    rebuilt when it lacks the story; an edited story's new text counts from the
    next rebuild (at most ``INDEX_TTL`` later), so a burst of publishes (the
    demo's first start, an import) builds it once rather than per story.
    """
    index = index_current()
    if (STORY, story_id) not in index.position:  # newly published: rebuild once
        index = index_current(fresh=True)
    by_id = {item.id: item for item in index.items if item.kind == STORY}
    story = by_id.get(story_id)
    if story is None:
        RelatedStory.objects.filter(story_id=story_id).delete()
        return []
    popularity = dict(top_ids(STORY, hours=7 * 24, limit=1000))
    ranked = similarity.related_rank(
        index, story, kind=STORY, limit=RELATED_LENGTH, popularity=popularity
    )
    changed = [story_id]
    with transaction.atomic():
        _related_store(story_id, ranked)
        for neighbour, _ in ranked:
            again = similarity.related_rank(
                index, neighbour, kind=STORY, limit=RELATED_LENGTH, popularity=popularity
            )
            if _related_store(neighbour.id, again):
                changed.append(neighbour.id)
    transaction.on_commit(lambda: related_changed.send(sender=RelatedStory, story_ids=changed))
    return [item.id for item, _ in ranked]


def _related_store(story_id: int, ranked: list[tuple[Item, float]]) -> bool:
    before = list(
        RelatedStory.objects.filter(story_id=story_id).values_list("related_id", flat=True)
    )
    after = [item.id for item, _ in ranked]
    if before == after:
        return False
    RelatedStory.objects.filter(story_id=story_id).delete()
    RelatedStory.objects.bulk_create(
        RelatedStory(story_id=story_id, related_id=item.id, rank=n, score=score)
        for n, (item, score) in enumerate(ranked)
    )
    return True


def related_stories(*, story_id: int) -> list[Item]:
    """The stored "More on this" list of a story, live stories only."""
    ids = list(RelatedStory.objects.filter(story_id=story_id).values_list("related_id", flat=True))
    items = catalogue().items(STORY, ids)
    return [items[i] for i in ids if i in items]


def video_pinned() -> int | None:
    pin = VideoPin.objects.filter(active=True).order_by("-pinned_at").first()
    return pin.video_id if pin else None


def your_three(*, reader: str, limit: int = YOUR_THREE) -> list[Item]:
    """Three videos for this reader: the editors' pin, then picks from their reading.

    Videos the reader has watched are never offered. A reader with no history
    gets the most watched videos of the week, then the newest.
    """
    watched = watched_videos(reader)
    history = reader_history(reader)
    popularity = dict.fromkeys(popular_ids(VIDEO, days=7, limit=50), 0)
    for rank, video_id in enumerate(popularity):
        popularity[video_id] = len(popularity) - rank
    chosen: list[Item] = []
    pinned = video_pinned()
    if pinned is not None and pinned not in watched:
        chosen += catalogue().items(VIDEO, [pinned]).values()
    exclude = watched | {item.id for item in chosen}
    want = limit - len(chosen)
    if history:
        index = index_current()
        chosen += similarity.videos_for_reader(
            index, history=history, exclude=exclude, popularity=popularity, limit=want
        )
    else:
        videos = catalogue().recent(VIDEO, limit=getattr(settings, "YOUR_THREE_POOL", 200))
        chosen += similarity.videos_popular(
            videos, popularity=popularity, exclude=exclude, limit=want
        )
    return chosen[:limit]
