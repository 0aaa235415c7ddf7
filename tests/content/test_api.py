"""The read-only JSON content API at /api/v2/: listings, details, filters and 400s."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model

from tests.content.factories import AuthorFactory, SeriesFactory, VideoFactory, publish_story
from tests.tasks import run_pending_tasks

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def newsroom(section):
    ada = AuthorFactory(name="Ada Reporter", slug="ada", bio="<p>Covers <b>ports</b>.</p>")
    AuthorFactory(name="Ben Writer", slug="ben")
    tides = SeriesFactory(title="Tides", slug="tides")
    SeriesFactory(title="Elections", slug="elections")
    live = publish_story(
        section,
        title="Harbour reopens",
        slug="harbour-reopens",
        deck="Boats are back.",
        authors=[ada],
        series=tides,
        published=NOW - timedelta(days=1),
        paragraphs=["Walled body text."],
    )
    live.tags.add("Ports")
    live.save_revision().publish()
    draft = publish_story(section, title="Not yet public", slug="draft", authors=[ada])
    draft.unpublish()
    VideoFactory(title="Boats at dawn", slug="boats", published_at=NOW - timedelta(days=2))
    VideoFactory(title="Tomorrow's film", slug="tomorrow", published_at=NOW + timedelta(days=30))
    return {"story": live, "draft": draft, "ada": ada}


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_pages_lists_only_live_public_pages(client, newsroom):
    data = get_json(client, "/api/v2/pages/?type=content.StoryPage&fields=deck")
    assert data["meta"]["total_count"] == 1
    (item,) = data["items"]
    assert item["title"] == "Harbour reopens"
    assert item["deck"] == "Boats are back."
    assert item["meta"]["html_url"] == "http://testserver/world/harbour-reopens/"
    assert item["meta"]["slug"] == "harbour-reopens"


def test_story_detail_has_its_fields_but_not_the_body(client, newsroom):
    story = newsroom["story"]
    data = get_json(client, f"/api/v2/pages/{story.pk}/")
    assert data["title"] == "Harbour reopens"
    assert data["deck"] == "Boats are back."
    assert data["tags"] == ["Ports"]
    assert data["series"]["id"] == story.series_id
    assert data["story_authors"][0]["author"]["id"] == newsroom["ada"].pk
    assert data["meta"]["first_published_at"].startswith("2026-11-24")
    # The site is metered: the full text is not given away to anonymous API clients.
    assert "body" not in data
    assert "Walled body text" not in str(data)
    assert get_json(client, f"/api/v2/pages/{story.pk}/?fields=body", 400)["message"]


def test_staff_get_the_body(client, newsroom):
    staff = get_user_model().objects.create_user(
        username="editor", email="editor@example.org", password="x", is_staff=True
    )
    client.force_login(staff)
    data = get_json(client, f"/api/v2/pages/{newsroom['story'].pk}/")
    assert data["body"][0]["type"] == "paragraph"
    assert "Walled body text" in data["body"][0]["value"]


def test_draft_page_detail_is_404(client, newsroom):
    data = get_json(client, f"/api/v2/pages/{newsroom['draft'].pk}/", 404)
    assert data["message"]


def test_sections_listing(client, newsroom, section):
    data = get_json(client, "/api/v2/pages/?type=content.SectionPage&fields=description")
    assert [(i["title"], i["description"]) for i in data["items"]] == [
        ("World", section.description)
    ]


def test_authors_listing_detail_and_slug_filter(client, newsroom):
    data = get_json(client, "/api/v2/authors/")
    assert [a["name"] for a in data["items"]] == ["Ada Reporter", "Ben Writer"]
    assert data["items"][0]["meta"]["html_url"] == "http://testserver/authors/ada/"
    (ada,) = get_json(client, "/api/v2/authors/?slug=ada")["items"]
    detail = get_json(client, f"/api/v2/authors/{ada['id']}/")
    assert detail["bio"] == "<p>Covers <b>ports</b>.</p>"
    assert detail["photo_thumbnail"] is None
    assert get_json(client, "/api/v2/authors/?slug=nobody")["items"] == []


def test_find_by_slug_redirects_to_detail(client, newsroom):
    response = client.get("/api/v2/authors/find/?slug=ada")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/api/v2/authors/{newsroom['ada'].pk}/?")


def test_series_listing(client, newsroom):
    data = get_json(client, "/api/v2/series/?fields=description")
    assert [s["slug"] for s in data["items"]] == ["elections", "tides"]
    assert data["items"][1]["description"] == "A running investigation."


def test_videos_hide_future_ones(client, newsroom):
    data = get_json(client, "/api/v2/videos/?fields=duration_seconds,file_url")
    assert [v["slug"] for v in data["items"]] == ["boats"]
    assert data["items"][0]["duration_seconds"] == 95
    tomorrow_id = get_json(client, "/api/v2/videos/?slug=boats")["items"][0]["id"] + 1
    get_json(client, f"/api/v2/videos/{tomorrow_id}/", 404)


def test_search_authors(client, newsroom):
    run_pending_tasks()  # the search index is updated by a background task
    data = get_json(client, "/api/v2/authors/?search=Ada")
    assert [a["name"] for a in data["items"]] == ["Ada Reporter"]


def test_images_endpoint_answers(client, newsroom):
    assert get_json(client, "/api/v2/images/")["meta"]["total_count"] == 0


MALFORMED = [
    "/api/v2/pages/?limit=abc",
    "/api/v2/pages/?limit=-1",
    "/api/v2/pages/?limit=1000000",
    "/api/v2/pages/?offset=x",
    "/api/v2/pages/?offset=-5",
    "/api/v2/pages/?offset=99999999999999999999999999",
    "/api/v2/pages/?type=nope.Nope",
    "/api/v2/pages/?type=content.Author",
    "/api/v2/pages/?type=%ff%fe",
    "/api/v2/pages/?order=bogus",
    "/api/v2/pages/?order=random&offset=1",
    "/api/v2/pages/?fields=nonexistent",
    "/api/v2/pages/?fields=title(",
    "/api/v2/pages/?fields=title(x)",
    "/api/v2/pages/?id=abc",
    "/api/v2/pages/?child_of=abc",
    "/api/v2/pages/?descendant_of=-1",
    "/api/v2/pages/?ancestor_of=zz",
    "/api/v2/pages/?nope=1",
    "/api/v2/pages/?type=content.StoryPage&first_published_at=yesterday",
    "/api/v2/pages/?type=content.StoryPage&series=abc",
    "/api/v2/pages/?type=content.StoryPage&tags=Ports&search=harbour",
    "/api/v2/pages/?slug=a%00b",
    "/api/v2/pages/?rich_text_format=bogus",
    "/api/v2/pages/find/?id=abc",
    "/api/v2/authors/?limit=abc",
    "/api/v2/authors/?order=bogus",
    "/api/v2/authors/?fields=nonexistent",
    "/api/v2/authors/?id=abc",
    "/api/v2/authors/find/?id=abc",
    "/api/v2/series/?offset=x",
    "/api/v2/videos/?published_at=not-a-date",
    "/api/v2/videos/?duration_seconds=long",
    "/api/v2/videos/?search=boats&order=caption",
    "/api/v2/images/?width=wide",
]


@pytest.mark.parametrize("url", MALFORMED)
def test_malformed_parameters_answer_400_with_a_message(client, newsroom, url):
    data = get_json(client, url, 400)
    assert isinstance(data["message"], str) and data["message"]


ODD_SEARCHES = [
    '"',
    "'",
    "*",
    "(",
    ")",
    "AND",
    "OR NOT",
    "-",
    "a:b",
    "NEAR(",
    "%",
    "\\",
    "\u00e9t\u00e9",
    "</script>",
    "x" * 2000,
    "%ff%fe",
    "harbour\"'*():-",
    "^$",
    "[]{}",
]


@pytest.mark.parametrize("query", ODD_SEARCHES)
def test_odd_search_strings_never_fail(client, newsroom, query):
    from urllib.parse import quote

    for endpoint in ["pages", "authors", "videos"]:
        response = client.get(f"/api/v2/{endpoint}/?search={quote(query)}")
        if len(query) > 200:
            assert response.status_code == 400, (endpoint, query)
            assert response.json() == {"message": "search cannot be longer than 200 characters"}
        else:
            assert response.status_code == 200, (endpoint, query, response.content[:200])
            assert isinstance(response.json()["items"], list)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v2/pages/?id=99999999999999999999999999", 400),  # no key is that large
        ("/api/v2/pages/?site=bad%20host", 404),
        ("/api/v2/pages/?type=content.StoryPage&series=99999999999999999999999", 400),
        ("/api/v2/authors/?slug=%ff%fe", 200),
        ("/api/v2/videos/?order=-published_at,title&limit=0", 200),
    ],
)
def test_odd_but_well_formed_parameters_never_fail(client, newsroom, url, status):
    response = client.get(url)
    assert response.status_code == status
    body = response.json()
    if status == 200:
        assert body["items"] == []
    else:
        assert body["message"]


def test_unknown_ids_are_404_with_a_message(client, newsroom):
    for url in ["/api/v2/pages/999999/", "/api/v2/authors/999999/", "/api/v2/pages/find/?id=9"]:
        assert get_json(client, url, 404)["message"]
