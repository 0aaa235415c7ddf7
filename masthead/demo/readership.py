"""The demo paper's reading history, generated so discovery has something to show.

On first start Most Read, "Your Three" and the newsroom dashboard would
otherwise be empty (or show the fallbacks). This writes two weeks of
invented reading, with a structure a reader of the demo can check:

- 600 readers; each has a favourite section (City 45 %, World 35 %,
  Climate 20 %) where 80 % of their reading happens, the rest anywhere;
- within a section, stories are picked with a weight falling with their age
  rank (the newest story in a section is read most), and newer days have
  more reading than older ones (a reader reads 3-15 stories over the two
  weeks, half of them in the last two days);
- each reader watches 0-3 videos, from their favourite section when it has
  any, otherwise the newest ones.

The generator is seeded, so every demo gets the same history (relative to
the moment it was loaded). Views go through ``analytics.services.views_import``
like any import: deduplicated, counted per hour.
"""

from __future__ import annotations

import random
from datetime import datetime

from masthead.analytics.models import STORY, VIDEO
from masthead.analytics.services import views_import
from masthead.content.models import SectionPage, StoryPage
from masthead.content.snippets import Video

READERS = 600
SEED = 2026
FAVOURITES = {"city": 0.45, "world": 0.35, "climate": 0.20}
DAYS = 14


def reading_history_load(*, now: datetime) -> int:
    """Write the demo's reading history; returns the number of views counted."""
    rng = random.Random(SEED)
    sections = {s.slug: s for s in SectionPage.objects.live()}
    stories: dict[str, list[tuple[int, float]]] = {}
    for slug, section in sections.items():
        live = StoryPage.objects.live().child_of(section).order_by("-first_published_at")
        stories[slug] = [(s.pk, s.first_published_at.timestamp()) for s in live]
    videos: dict[str | None, list[int]] = {}
    for video in Video.objects.select_related("section").order_by("-published_at"):
        videos.setdefault(video.section.slug if video.section_id else None, []).append(video.pk)
    all_videos = [v for pool in videos.values() for v in pool]
    slugs = [slug for slug in FAVOURITES if stories.get(slug)]
    if not slugs:
        return 0
    end = now.timestamp()
    views: list[tuple[str, str, int, float]] = []
    for n in range(READERS):
        reader = f"demo{n:04d}"
        favourite = rng.choices(slugs, weights=[FAVOURITES[s] for s in slugs])[0]
        for _ in range(rng.randint(3, 15)):
            slug = favourite if rng.random() < 0.8 else rng.choice(slugs)
            pool = stories[slug]
            story_id, published = rng.choices(pool, weights=[1 / (i + 1) for i in range(len(pool))])[0]  # fmt: skip
            recent = rng.random() < 0.5
            ago = rng.uniform(0, 2 * 86400) if recent else rng.uniform(0, DAYS * 86400)
            at = max(end - ago, published + 60)
            if at < end:
                views.append((reader, STORY, story_id, at))
        pool = videos.get(favourite) or all_videos
        for video_id in rng.sample(pool, min(len(pool), rng.randint(0, 3))):
            views.append((reader, VIDEO, video_id, end - rng.uniform(0, DAYS * 86400)))
    return views_import(views=views)
