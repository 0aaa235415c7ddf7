"""Draw every demo picture up front, then register them as Wagtail images.

Drawing is pure CPU work with no database access, so it runs in a thread pool
alongside the loader's transaction; registering is a plain ``Image`` save per
picture.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.core.files.images import ImageFile
from PIL.Image import Image as PILImage
from wagtail.images.models import Image

from . import art
from .newsroom import AUTHORS, SERIES, VIDEOS
from .schema import Figure, Story

POSTER_SIZE = (1280, 720)


def figure_key(story: Story, index: int) -> str:
    """The name of the picture for the ``index``-th body block of ``story``."""
    return f"{story.slug}-figure-{index}"


def drawing_jobs(stories: list[Story]) -> dict[str, Callable[[], PILImage]]:
    """Every picture the demo needs, keyed by a stable name, as a thunk that draws it.

    Ordered as the loader uses them (staff, series, posters, then ``stories`` in
    the order given), so the first pictures are ready when the loader wants them.
    """
    jobs: dict[str, Callable[[], PILImage]] = {}
    for author in AUTHORS:
        jobs[f"author-{author.slug}"] = lambda a=author: art.portrait(a.name, a.section)
    for series in SERIES:
        jobs[f"series-{series.slug}"] = lambda s=series: art.titled(
            art.illustration(s.slug, s.section, s.motif), s.title, s.kicker
        )
    for clip in VIDEOS:
        # No title drawn in: the page prints it beside the poster, and the player's
        # controls and the duration badge would cover it.
        jobs[f"poster-{clip.slug}"] = lambda v=clip: art.illustration(
            v.slug, v.section, v.motif, size=POSTER_SIZE
        )
    for story in stories:
        jobs[f"{story.slug}-lead"] = lambda s=story: art.illustration(
            s.slug, s.section, s.lead.motif
        )
        for index, (kind, value) in enumerate(story.body):
            if kind == "image" and isinstance(value, Figure):
                jobs[figure_key(story, index)] = lambda s=story, v=value, i=index: art.illustration(
                    f"{s.slug}-{i}", s.section, v.motif
                )
    return jobs


class Drawings:
    """Draws pictures in worker threads while the loader writes to the database.

    Pillow releases the GIL while it composites and encodes, so the drawing
    overlaps the (GIL-bound) page saves; ``get`` waits for one picture.
    """

    def __init__(self, jobs: dict[str, Callable[[], PILImage]]) -> None:
        workers = max(1, min(4, os.cpu_count() or 1))
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="demo-art")
        self._futures = {key: self._pool.submit(_render, job) for key, job in jobs.items()}

    def get(self, key: str) -> tuple[bytes, int, int]:
        return self._futures[key].result()

    def __enter__(self) -> Drawings:
        return self

    def __exit__(self, *exc_info) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _render(job: Callable[[], PILImage]) -> tuple[bytes, int, int]:
    picture = job()
    return art.to_jpeg(picture), picture.width, picture.height


def register(drawn: Drawings, key: str, *, title: str, alt: str = "") -> Image:
    """Store one drawn picture as a Wagtail image (the file lands in media storage)."""
    data, width, height = drawn.get(key)
    image = Image(
        title=title[:255],
        description=alt[:255],
        width=width,
        height=height,
        file_size=len(data),
        file_hash=hashlib.sha1(data, usedforsecurity=False).hexdigest(),
    )
    image.file.save(f"{key}.jpg", ImageFile(io.BytesIO(data), name=f"{key}.jpg"), save=False)
    image.save()
    return image
