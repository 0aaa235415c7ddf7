"""Scoring: which stories are "More on this", which videos are "Your Three".

Pure functions over catalogue ``Item`` records and reading histories, so the
same code serves the site and the offline evaluation (``bench/``).

Text similarity is scikit-learn's TF-IDF (``TfidfVectorizer``: English stop
words, sublinear term frequency, word unigrams and bigrams) with cosine
similarity: an established, deterministic method that needs no model
download and fits a few thousand items in well under a second. Structure
adds to it: shared tags (Jaccard), the same series, the same section.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from masthead.analytics.catalogue import Item

# Weights, tuned on the offline evaluation (bench/scenarios/recommendations_eval.py).
TAG_WEIGHT = 0.3
SERIES_WEIGHT = 0.25
SECTION_WEIGHT = 0.1
READER_SECTION_WEIGHT = 0.3
READER_TAG_WEIGHT = 0.3
POPULARITY_WEIGHT = 0.05
RELATED_POPULARITY_WEIGHT = 4.0  # a multiplier: see related_rank


@dataclass
class Index:
    """TF-IDF rows (L2-normalised) for a fixed list of items."""

    items: list[Item]
    position: dict[tuple[str, int], int]
    matrix: object  # scipy sparse, one row per item

    def vector_of(self, keys: list[tuple[str, int]]):
        import numpy as np

        rows = [self.position[key] for key in keys if key in self.position]
        if not rows:
            return None
        profile = np.asarray(self.matrix[rows].mean(axis=0)).ravel()
        norm = np.linalg.norm(profile)
        return profile / norm if norm else None


def document(item: Item) -> str:
    """The text compared: title twice (it carries the topic), then the rest."""
    return f"{item.title}. {item.title}. {' '.join(item.tags)}. {item.text}"


def index_build(items: list[Item]) -> Index:
    # Imported here, not with the module: scikit-learn (with numpy and SciPy)
    # adds about 100 MB to every process that loads the apps, among them the
    # task workers, which never rank anything.
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        stop_words="english", sublinear_tf=True, ngram_range=(1, 2), min_df=1, max_df=0.8
    )
    texts = [document(item) for item in items]
    if not items:
        return Index([], {}, None)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # every word a stop word: no vocabulary
        vectorizer = TfidfVectorizer()
        matrix = vectorizer.fit_transform([t or "empty" for t in texts])
    position = {(item.kind, item.id): n for n, item in enumerate(items)}
    return Index(items, position, matrix)


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def related_rank(
    index: Index,
    story: Item,
    *,
    kind: str,
    limit: int = 3,
    popularity: dict[int, int] | None = None,
) -> list[tuple[Item, float]]:
    """Items of ``kind`` most like ``story``: text, then shared tags, series and section.

    ``popularity`` (reads per item lately), when given, lifts the stories
    readers actually go on to read among the similar ones.
    """
    popularity = popularity or {}
    top_views = max(popularity.values(), default=0) or 1
    row = index.position.get((story.kind, story.id))
    if row is None:
        return []
    similarities = (index.matrix @ index.matrix[row].T).toarray().ravel()
    tags = {t.lower() for t in story.tags}
    scored = []
    for n, item in enumerate(index.items):
        if item.kind != kind or (item.kind, item.id) == (story.kind, story.id):
            continue
        score = float(similarities[n])
        score += TAG_WEIGHT * _jaccard(tags, {t.lower() for t in item.tags})
        if story.series_id and item.series_id == story.series_id:
            score += SERIES_WEIGHT
        if story.section_id and item.section_id == story.section_id:
            score += SECTION_WEIGHT
        # Multiplied, not added: popularity orders the similar, it never makes a story similar.
        score *= 1 + RELATED_POPULARITY_WEIGHT * popularity.get(item.id, 0) / top_views
        scored.append((item, score))
    scored.sort(key=lambda pair: (-pair[1], -(pair[0].id)))
    return scored[:limit]


def videos_for_reader(
    index: Index,
    *,
    history: list[tuple[str, int]],
    exclude: set[int],
    popularity: dict[int, int],
    limit: int = 3,
) -> list[Item]:
    """Videos for a reader with a history: like what they read, from their sections and tags.

    ``history`` is ``[(kind, id)]`` most recent first; ``exclude`` the videos
    not to offer (watched). Popularity only breaks near-ties.
    """
    recent = history[:50]
    profile = index.vector_of(recent)
    by_key = {(item.kind, item.id): item for item in index.items}
    read = [by_key[key] for key in recent if key in by_key]
    sections = Counter(item.section_id for item in read if item.section_id)
    tags = Counter(t.lower() for item in read for t in item.tags)
    top_views = max(popularity.values(), default=0) or 1
    videos = [(n, item) for n, item in enumerate(index.items) if item.kind == "v"]
    text = (index.matrix @ profile) if profile is not None else None
    scored = []
    for n, video in videos:
        if video.id in exclude:
            continue
        score = float(text[n]) if text is not None else 0.0
        if read and video.section_id:
            score += READER_SECTION_WEIGHT * sections[video.section_id] / len(read)
        if tags and video.tags:
            total = sum(tags.values())
            score += READER_TAG_WEIGHT * sum(tags[t.lower()] for t in video.tags) / total
        score += POPULARITY_WEIGHT * popularity.get(video.id, 0) / top_views
        scored.append((score, video))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].id))
    return [video for _, video in scored[:limit]]


def videos_popular(
    videos: list[Item], *, popularity: dict[int, int], exclude: set[int], limit: int = 3
) -> list[Item]:
    """For a new reader: most viewed first, then newest."""
    pool = [video for video in videos if video.id not in exclude]
    pool.sort(
        key=lambda v: (-popularity.get(v.id, 0), -(v.published.timestamp() if v.published else 0))
    )
    return pool[:limit]
