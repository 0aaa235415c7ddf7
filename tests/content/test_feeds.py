"""RSS 2.0 and Atom feeds, parsed as a feed reader would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from xml.etree import ElementTree as ET

import pytest

from tests.content.factories import AuthorFactory, SectionPageFactory, SeriesFactory, publish_story

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def rss_items(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.findall("./channel/item")


@pytest.fixture
def newsroom(section):
    ada = AuthorFactory(name="Ada Reporter", slug="ada")
    ben = AuthorFactory(name="Ben Writer", slug="ben")
    tides = SeriesFactory(title="Tides", slug="tides")
    politics = SectionPageFactory(parent=section.get_parent(), title="Politics", slug="politics")
    first = publish_story(
        section,
        title="Harbour closes",
        slug="harbour-closes",
        deck="Storm warning.",
        authors=[ada],
        series=tides,
        published=NOW - timedelta(days=2),
        paragraphs=["SECRET BODY TEXT one."],
    )
    second = publish_story(
        section,
        title="Harbour reopens",
        slug="harbour-reopens",
        deck="Boats are back.",
        authors=[ada, ben],
        series=tides,
        published=NOW - timedelta(days=1),
        paragraphs=["SECRET BODY TEXT two."],
    )
    second.tags.add("Ports")
    second.save_revision().publish()
    from masthead.content.models import StoryPage

    StoryPage.objects.filter(pk=second.pk).update(first_published_at=NOW - timedelta(days=1))
    vote = publish_story(
        politics, title="Council votes", slug="council-votes", authors=[ben], published=NOW
    )
    return {"first": first, "second": second, "vote": vote, "politics": politics}


def test_site_feed_lists_newest_first_with_deck_not_body(client, newsroom):
    response = client.get("/feed/")
    items = rss_items(response)
    assert [i.findtext("title") for i in items] == [
        "Council votes",
        "Harbour reopens",
        "Harbour closes",
    ]
    reopens = items[1]
    assert reopens.findtext("link") == "http://testserver/world/harbour-reopens/"
    assert reopens.findtext("guid") == "http://testserver/world/harbour-reopens/"
    assert reopens.findtext("description") == "Boats are back."
    assert parsedate_to_datetime(reopens.findtext("pubDate")) == NOW - timedelta(days=1)
    assert [c.text for c in reopens.findall(f"{DC}creator")] == ["Ada Reporter", "Ben Writer"]
    assert [c.text for c in reopens.findall("category")] == ["World", "Ports"]
    assert b"SECRET BODY TEXT" not in response.content
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("link") == "http://testserver/"


def test_feed_is_capped_at_twenty_items(client, section):
    for n in range(22):
        publish_story(section, title=f"Story {n}", published=NOW - timedelta(hours=n))
    assert len(rss_items(client.get("/feed/"))) == 20


def test_unpublished_stories_stay_out_of_the_feed(client, newsroom):
    newsroom["vote"].unpublish()
    titles = [i.findtext("title") for i in rss_items(client.get("/feed/"))]
    assert "Council votes" not in titles


def test_section_feed_has_only_that_section(client, newsroom):
    items = rss_items(client.get("/sections/politics/feed/"))
    assert [i.findtext("title") for i in items] == ["Council votes"]
    assert [c.text for c in items[0].findall("category")] == ["Politics"]


def test_series_feed(client, newsroom):
    items = rss_items(client.get("/series/tides/feed/"))
    assert [i.findtext("title") for i in items] == ["Harbour reopens", "Harbour closes"]


def test_author_feed_lists_each_story_once(client, newsroom):
    items = rss_items(client.get("/authors/ben/feed/"))
    assert [i.findtext("title") for i in items] == ["Council votes", "Harbour reopens"]


@pytest.mark.parametrize(
    "path",
    [
        "/sections/nope/feed/",
        "/series/nope/feed/",
        "/authors/nope/feed/",
        "/sections/nope/feed/atom/",
    ],
)
def test_unknown_slug_is_404(client, newsroom, path):
    assert client.get(path).status_code == 404


def test_a_story_page_is_not_a_section_feed(client, newsroom):
    # Only SectionPages have section feeds.
    assert client.get("/sections/harbour-reopens/feed/").status_code == 404


def test_atom_feed_structure(client, newsroom):
    response = client.get("/feed/atom/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("title", "id", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "http://testserver/feed/atom/"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3
    for entry in entries:
        for required in ("title", "id", "updated", "summary"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    reopens = entries[1]
    assert reopens.find(f"{ATOM}link[@rel='alternate']").get("href") == (
        "http://testserver/world/harbour-reopens/"
    )
    assert reopens.findtext(f"{ATOM}published") == "2026-11-24T12:00:00+00:00"
    authors = [a.findtext(f"{ATOM}name") for a in reopens.findall(f"{ATOM}author")]
    assert authors == ["Ada Reporter", "Ben Writer"]
    uris = [a.findtext(f"{ATOM}uri") for a in reopens.findall(f"{ATOM}author")]
    assert uris == ["http://testserver/authors/ada/", "http://testserver/authors/ben/"]
    terms = [c.get("term") for c in reopens.findall(f"{ATOM}category")]
    assert terms == ["World", "Ports"]


def test_section_atom_feed(client, newsroom):
    root = ET.fromstring(client.get("/sections/world/feed/atom/").content)
    assert [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")] == [
        "Harbour reopens",
        "Harbour closes",
    ]


def test_lead_image_is_an_enclosure(client, section):
    from tests.content.test_seo import Picture

    publish_story(section, title="With picture", lead_image=Picture(), lead_image_alt="Boats")
    (item,) = rss_items(client.get("/feed/"))
    enclosure = item.find("enclosure")
    assert enclosure.get("url").startswith("http://testserver/media/")
    assert enclosure.get("type") == "image/jpeg"
    media = item.find("{http://search.yahoo.com/mrss/}content")
    assert media.get("url") == enclosure.get("url")
    assert media.get("width") == "1200"


def test_feed_query_count_does_not_grow_with_items(client, section, django_assert_max_num_queries):
    for n in range(12):
        publish_story(section, title=f"Story {n}", authors=[AuthorFactory()])
    with django_assert_max_num_queries(12):
        assert client.get("/feed/").status_code == 200
