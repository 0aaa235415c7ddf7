"""The content API never answers a server error, whatever its parameters say.

A seeded fuzz over every endpoint (listing and detail) and every parameter
Wagtail's API reads, with hostile values: numbers past 64 bits, negative and
fractional numbers, wildcards, nested field selectors, bytes that are not
UTF-8, very long strings. Bounded (a fixed number of requests), repeatable
(one seed): a failure names the URL.
"""

from __future__ import annotations

import random
from urllib.parse import quote

import pytest

from tests.content.test_api import NOW, get_json, newsroom  # noqa: F401 (fixture)

ENDPOINTS = ["pages", "images", "authors", "series", "videos"]
PARAMETERS = [
    "fields",
    "order",
    "limit",
    "offset",
    "search",
    "search_operator",
    "id",
    "type",
    "child_of",
    "descendant_of",
    "ancestor_of",
    "slug",
    "locale",
    "translation_of",
    "site",
    "tags",
    "published_at",
    "duration_seconds",
    "section",
    "html_path",
    "rich_text_format",
]
VALUES = [
    "*",
    "-*",
    "tags",
    "*,tags",
    "_,id",
    "tags(*)",
    "section(*)",
    "poster_thumbnail(*)",
    "title(foo)",
    "-title",
    "random",
    "0",
    "-1",
    "1.5",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999999999",
    "%ff%fe",
    "",
    "null",
    "true",
    "'\"<script>",
    "x" * 300,
    "2026-13-45",
    "content.StoryPage",
    "wagtailcore.Page",
    "nope.Nope",
    "and",
    "or",
]


@pytest.fixture
def video_id(newsroom):  # noqa: F811
    from masthead.content.snippets import Video

    return Video.objects.get(slug="boats").pk


def tag(video_id: int, *names: str) -> None:
    from masthead.content.snippets import Video

    video = Video.objects.get(pk=video_id)
    video.tags.add(*names)  # as the admin's form and the demo loader tag videos
    video.save()


@pytest.mark.parametrize("fields", ["tags", "*", "tags,section", "*,-tags"])
def test_video_detail_with_tags_lists_them(client, newsroom, video_id, fields):  # noqa: F811
    tag(video_id, "Harbour", "Dawn")
    data = get_json(client, f"/api/v2/videos/{video_id}/?fields={fields}")
    if "-tags" not in fields:
        assert sorted(data["tags"]) == ["Dawn", "Harbour"]
    assert data["title"] == "Boats at dawn"


def test_video_listing_with_tags_lists_them(client, newsroom, video_id):  # noqa: F811
    tag(video_id, "Harbour")
    data = get_json(client, "/api/v2/videos/?fields=tags")
    assert [item["tags"] for item in data["items"]] == [["Harbour"]]


def test_fuzzed_parameters_never_answer_a_server_error(client, newsroom, video_id):  # noqa: F811
    story_id = newsroom["story"].pk
    details = {"pages": story_id, "authors": newsroom["ada"].pk, "videos": video_id}
    rng = random.Random(9)
    failures = []
    for n in range(250):
        endpoint = rng.choice(ENDPOINTS)
        path = f"/api/v2/{endpoint}/"
        if endpoint in details and n % 3 == 0:
            path += f"{details[endpoint]}/"
        elif n % 7 == 0:
            path += "find/"
        query = "&".join(
            f"{rng.choice(PARAMETERS)}={quote(rng.choice(VALUES), safe='%*,()-')}"
            for _ in range(rng.randint(1, 3))
        )
        response = client.get(f"{path}?{query}")
        if response.status_code >= 500:
            failures.append((response.status_code, f"{path}?{query}"))
    assert failures == []
