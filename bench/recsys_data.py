"""A generated reading history with a known topic structure, for the offline evaluation.

The structure (all drawn from one seeded generator, so every run is the same):

- ``TOPICS`` topics, each with its own vocabulary of ``TOPIC_WORDS`` made-up
  words and ``TAGS_PER_TOPIC`` tags; ``COMMON_WORDS`` words shared by all.
- ``SECTIONS`` sections; topic ``t`` is published in section ``t % SECTIONS``,
  so a section holds two topics and the section alone cannot tell them apart.
- Stories: ``STORIES_PER_TOPIC`` per topic, ``STORY_WORDS`` words each, a
  third from the topic's vocabulary and the rest common words; two tags of
  the topic, and with probability 0.2 one tag of another topic (noise); the
  first 18 stories of every other topic form three series of six.
- Videos: ``VIDEOS_PER_TOPIC`` per topic, a short title and caption (half
  topic words) and one tag of the topic.
- Popularity: every item has a Zipf-like weight (rank within its topic ^ -1).
- Readers: ``READERS``; each has a main topic (75 % of their reading), a
  second topic (20 %) and reads anything 5 % of the time; within a topic they
  pick items by popularity. They read 5-25 stories and watch 2-6 videos, in
  time order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from masthead.analytics.catalogue import Item

SEED = 12
TOPICS = 8
SECTIONS = 4
TOPIC_WORDS = 40
TAGS_PER_TOPIC = 5
COMMON_WORDS = 300
STORIES_PER_TOPIC = 50
VIDEOS_PER_TOPIC = 10
STORY_WORDS = 80
READERS = 2000

_SYLLABLES = ["ka", "lo", "mi", "ter", "sun", "dra", "vel", "po", "rin", "tas", "mor", "eli",
              "gan", "hu", "zen", "bre", "cor", "fal", "nuk", "sil"]  # fmt: skip


@dataclass
class DataSet:
    stories: list[Item]
    videos: list[Item]
    topic_of: dict[tuple[str, int], int]
    histories: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # oldest first


def _word(rng: random.Random, used: set[str]) -> str:
    while True:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in used:
            used.add(word)
            return word


def generate(seed: int = SEED, readers: int = READERS) -> DataSet:
    rng = random.Random(seed)
    used: set[str] = set()
    common = [_word(rng, used) for _ in range(COMMON_WORDS)]
    vocab = [[_word(rng, used) for _ in range(TOPIC_WORDS)] for _ in range(TOPICS)]
    tags = [[f"tag-{t}-{n}" for n in range(TAGS_PER_TOPIC)] for t in range(TOPICS)]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    stories, videos, topic_of = [], [], {}
    weights: dict[tuple[str, int], float] = {}

    def text(topic: int, words: int, share: float) -> str:
        return " ".join(
            rng.choice(vocab[topic]) if rng.random() < share else rng.choice(common)
            for _ in range(words)
        )

    for topic in range(TOPICS):
        for n in range(STORIES_PER_TOPIC):
            story_id = len(stories) + 1
            story_tags = rng.sample(tags[topic], 2)
            if rng.random() < 0.2:
                story_tags.append(rng.choice(tags[rng.randrange(TOPICS)]))
            series = None
            if topic % 2 == 0 and n < 18:
                series = topic * 10 + n // 6
            stories.append(
                Item(
                    kind="s", id=story_id, title=text(topic, 8, 0.4), url=f"/s/{story_id}/",
                    section_id=topic % SECTIONS, published=start + timedelta(hours=story_id),
                    series_id=series, tags=tuple(story_tags), text=text(topic, STORY_WORDS, 1 / 3),
                )
            )  # fmt: skip
            topic_of[("s", story_id)] = topic
            weights[("s", story_id)] = 1 / (rng.randrange(STORIES_PER_TOPIC) + 1)
        for _ in range(VIDEOS_PER_TOPIC):
            video_id = len(videos) + 1
            videos.append(
                Item(
                    kind="v", id=video_id, title=text(topic, 6, 0.5), url=f"/v/{video_id}/",
                    section_id=topic % SECTIONS, published=start + timedelta(hours=video_id),
                    tags=(rng.choice(tags[topic]),), text=text(topic, 12, 0.5),
                )
            )  # fmt: skip
            topic_of[("v", video_id)] = topic
            weights[("v", video_id)] = 1 / (rng.randrange(VIDEOS_PER_TOPIC) + 1)
    data = DataSet(stories, videos, topic_of)
    by_topic: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for key, topic in topic_of.items():
        by_topic.setdefault((key[0], topic), []).append(key)

    def pick(kind: str, main: int, second: int, taken: set) -> tuple[str, int]:
        roll = rng.random()
        topic = main if roll < 0.75 else second if roll < 0.95 else rng.randrange(TOPICS)
        pool = [key for key in by_topic[(kind, topic)] if key not in taken]
        return rng.choices(pool, weights=[weights[key] for key in pool])[0]

    for n in range(readers):
        main = rng.randrange(TOPICS)
        second = rng.choice([t for t in range(TOPICS) if t != main])
        events: list[tuple[str, int]] = []
        taken: set = set()
        plan = ["s"] * rng.randint(5, 25) + ["v"] * rng.randint(2, 6)
        rng.shuffle(plan)
        for kind in plan:
            key = pick(kind, main, second, taken)
            taken.add(key)
            events.append(key)
        data.histories[f"reader-{n}"] = events
    return data
