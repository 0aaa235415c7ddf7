"""Offline evaluation of "Your Three" and "More on this": hit rate at 3.

Runs the site's own scoring (``masthead.recommendations.similarity``) on the
generated data set of ``bench/recsys_data.py`` and compares it with two
baselines: the most popular items, and items drawn at random.

- Your Three: for every reader, the last video they watched is held out;
  from the rest of their history (stories read, other videos watched, which
  are excluded from the offer) three videos are recommended. A hit is the
  held-out video among them.
- More on this: for every pair of consecutive story reads (a, then b), three
  stories are recommended for a. A hit is b among them.

Popularity is counted on the histories with the held-out items removed.
``python -m bench.recsys_eval`` prints the table; ``python -m bench`` runs it too.
"""

from __future__ import annotations

import random
from collections import Counter

from masthead.recommendations import similarity

from .recsys_data import DataSet, generate

K = 3


def evaluate(data: DataSet | None = None, *, seed: int = 5) -> dict[str, dict[str, float]]:
    data = data or generate()
    rng = random.Random(seed)
    index = similarity.index_build(data.stories + data.videos)
    by_id = {item.id: item for item in data.stories}

    held: dict[str, tuple[str, int]] = {}
    training: dict[str, list[tuple[str, int]]] = {}
    for reader, events in data.histories.items():
        watched = [n for n, key in enumerate(events) if key[0] == "v"]
        held[reader] = events[watched[-1]]
        training[reader] = events[: watched[-1]] + events[watched[-1] + 1 :]
    popularity = Counter(key for events in training.values() for key in events)
    video_popularity = {key[1]: n for key, n in popularity.items() if key[0] == "v"}
    story_popularity = {key[1]: n for key, n in popularity.items() if key[0] == "s"}
    top_videos = [video_id for video_id, _ in Counter(video_popularity).most_common()]
    top_stories = [key[1] for key, _ in popularity.most_common() if key[0] == "s"]
    all_videos = [video.id for video in data.videos]
    all_stories = [story.id for story in data.stories]

    hits = Counter()
    readers = 0
    for reader, target in held.items():
        history = list(reversed(training[reader]))  # most recent first
        watched = {key[1] for key in history if key[0] == "v"}
        readers += 1
        picks = similarity.videos_for_reader(
            index, history=history, exclude=watched, popularity=video_popularity, limit=K
        )
        hits["three model"] += target[1] in {video.id for video in picks}
        popular = [v for v in top_videos if v not in watched][:K]
        hits["three popularity"] += target[1] in popular
        pool = [v for v in all_videos if v not in watched]
        hits["three random"] += target[1] in rng.sample(pool, K)

    pairs = 0
    cache: dict[int, set[int]] = {}
    for events in data.histories.values():
        stories = [key[1] for key in events if key[0] == "s"]
        for a, b in zip(stories, stories[1:], strict=False):
            pairs += 1
            if a not in cache:
                ranked = similarity.related_rank(
                    index, by_id[a], kind="s", limit=K, popularity=story_popularity
                )
                cache[a] = {item.id for item, _ in ranked}
            hits["more model"] += b in cache[a]
            hits["more popularity"] += b in [s for s in top_stories if s != a][:K]
            hits["more random"] += b in rng.sample([s for s in all_stories if s != a], K)

    def rate(name: str, total: int) -> float:
        return round(hits[name] / total, 4) if total else 0.0

    return {
        "Your Three": {
            "cases": readers,
            "model": rate("three model", readers),
            "popularity": rate("three popularity", readers),
            "random": rate("three random", readers),
        },
        "More on this": {
            "cases": pairs,
            "model": rate("more model", pairs),
            "popularity": rate("more popularity", pairs),
            "random": rate("more random", pairs),
        },
    }


def table(results: dict[str, dict[str, float]]) -> str:
    lines = [
        "| hit rate at 3 | cases | model | popularity | random |",
        "|---------------|------:|------:|-----------:|-------:|",
    ]
    for name, row in results.items():
        lines.append(
            f"| {name:<13} | {row['cases']:>5} | {row['model']:.3f} | "
            f"{row['popularity']:>10.3f} | {row['random']:>6.3f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    import time

    started = time.monotonic()
    print(table(evaluate()))
    print(f"took {time.monotonic() - started:.1f} s")
