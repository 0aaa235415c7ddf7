"""Head metadata: canonical links, OpenGraph/Twitter tags and JSON-LD, as crawlers read them."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import factory
import pytest
import wagtail_factories
from wagtail.models import Collection

from masthead.content import seo
from tests.content.factories import AuthorFactory, SeriesFactory, publish_story

PUBLISHED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


class Picture(wagtail_factories.ImageFactory):
    title = "Harbour at dawn"
    file = factory.django.ImageField(width=1600, height=1000, color="teal", format="JPEG")
    collection = factory.LazyFunction(Collection.get_first_root_node)


class HeadParser(HTMLParser):
    """Collects <meta>, <link> and JSON-LD scripts the way a crawler would."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict] = []
        self.json_ld: list = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, []).append(attrs.get("content", ""))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld.append(json.loads(data))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False


def head_of(response) -> HeadParser:
    assert response.status_code == 200
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


# -- pure builders ---------------------------------------------------------------


def test_absolute_url_joins_paths_to_site_url(settings):
    settings.SITE_URL = "https://news.example.org"
    assert seo.absolute_url("/world/x/") == "https://news.example.org/world/x/"
    assert seo.absolute_url("media/a.jpg") == "https://news.example.org/media/a.jpg"
    assert seo.absolute_url("") == "https://news.example.org/"
    assert seo.absolute_url("https://cdn.example.net/a.jpg") == "https://cdn.example.net/a.jpg"


def test_iso8601_always_has_an_offset():
    assert seo.iso8601(PUBLISHED) == "2026-11-20T09:30:00+00:00"
    assert seo.iso8601(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05+00:00"
    assert seo.iso8601(None) is None


def test_plain_text_strips_markup_and_cuts_at_a_word():
    assert seo.plain_text("<p>Fish &amp; <b>chips</b></p>") == "Fish & chips"
    long = "word " * 100
    cut = seo.plain_text(long, limit=30)
    assert len(cut) <= 30 and cut.endswith("…") and "wor…" not in cut


def _article(**overrides):
    values = dict(
        headline="Harbour reopens",
        description="Boats are back.",
        url="https://news.example.org/world/harbour/",
        image_urls=["https://news.example.org/media/a.jpg"],
        published=PUBLISHED,
        modified=None,
        authors=[seo.Link("Ada Reporter", "https://news.example.org/authors/ada/")],
        publisher=seo.organization(
            name="The Courier", url="https://news.example.org/", logo_url="https://x/logo.png"
        ),
        section="World",
    )
    values.update(overrides)
    return seo.news_article(**values)


def test_news_article_has_the_fields_google_reads():
    data = _article(series=seo.Link("Tides", "https://news.example.org/series/tides/"))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Harbour reopens"
    assert data["image"] == ["https://news.example.org/media/a.jpg"]
    assert data["datePublished"] == "2026-11-20T09:30:00+00:00"
    assert data["dateModified"] == "2026-11-20T09:30:00+00:00"
    assert data["author"] == [
        {"@type": "Person", "name": "Ada Reporter", "url": "https://news.example.org/authors/ada/"}
    ]
    assert data["publisher"]["name"] == "The Courier"
    assert data["publisher"]["logo"]["url"] == "https://x/logo.png"
    assert data["mainEntityOfPage"]["@id"] == "https://news.example.org/world/harbour/"
    assert data["articleSection"] == "World"
    assert data["isPartOf"]["name"] == "Tides"
    assert data["isAccessibleForFree"] is True
    assert "hasPart" not in data


def test_walled_article_marks_the_paywalled_part():
    data = _article(walled=True)
    assert data["isAccessibleForFree"] is False
    assert data["hasPart"] == {
        "@type": "WebPageElement",
        "isAccessibleForFree": False,
        "cssSelector": ".paywall",
    }


def test_long_headlines_are_cut_to_110_characters():
    assert len(_article(headline="x" * 200)["headline"]) == 110


def test_json_ld_script_cannot_be_broken_out_of():
    data = _article(headline='</script><script>alert("x")</script> & <!--')
    html = seo.json_ld_script(data)
    inner = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in inner and ">" not in inner and "&" not in inner
    assert json.loads(inner)["headline"] == '</script><script>alert("x")</script> & <!--'


def test_social_tags_for_an_article():
    tags = seo.social_tags(
        site_name="The Courier",
        title="Harbour reopens",
        description="Boats are back.",
        url="https://news.example.org/world/harbour/",
        og_type="article",
        image=seo.ImageRef("https://news.example.org/media/a.jpg", 1200, 630, "Boats"),
        published=PUBLISHED,
        section="World",
        author_urls=["https://news.example.org/authors/ada/"],
        tags=["Ports"],
    )
    found = {(t.attr, t.key): t.content for t in tags}
    assert found[("property", "og:type")] == "article"
    assert found[("property", "og:image:width")] == "1200"
    assert found[("property", "article:published_time")] == "2026-11-20T09:30:00+00:00"
    assert found[("property", "article:section")] == "World"
    assert found[("property", "article:author")] == "https://news.example.org/authors/ada/"
    assert found[("name", "twitter:card")] == "summary_large_image"
    assert found[("name", "twitter:image")] == "https://news.example.org/media/a.jpg"


def test_social_tags_without_image_use_a_summary_card():
    tags = seo.social_tags(site_name="S", title="T", description="", url="https://s/")
    found = {t.key: t.content for t in tags}
    assert found["twitter:card"] == "summary"
    assert "og:description" not in found  # empty values are left out


# -- rendered pages ----------------------------------------------------------------


@pytest.fixture
def story(section):
    author = AuthorFactory(name="Ada Reporter", slug="ada-reporter")
    second = AuthorFactory(name="Ben Writer", slug="ben-writer")
    series = SeriesFactory(title="Tides", slug="tides")
    story = publish_story(
        section,
        title="Harbour reopens after the storm",
        slug="harbour-reopens",
        deck="Fishing boats went out at dawn for the first time in a week.",
        authors=[author, second],
        series=series,
        published=PUBLISHED,
        lead_image=Picture(),
        lead_image_alt="Boats leaving the harbour",
    )
    story.tags.add("Ports")
    story.save_revision().publish()
    from masthead.content.models import StoryPage

    StoryPage.objects.filter(pk=story.pk).update(first_published_at=PUBLISHED)
    story.refresh_from_db()
    return story


def test_story_page_json_ld_is_a_news_article(client, story):
    head = head_of(client.get(story.url))
    (article,) = [d for d in head.json_ld if d.get("@type") == "NewsArticle"]
    assert article["headline"] == "Harbour reopens after the storm"
    assert article["description"].startswith("Fishing boats went out at dawn")
    assert article["datePublished"] == "2026-11-20T09:30:00+00:00"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", article["dateModified"])
    assert [a["name"] for a in article["author"]] == ["Ada Reporter", "Ben Writer"]
    assert article["author"][0]["url"] == "http://testserver/authors/ada-reporter/"
    assert article["publisher"]["@type"] == "NewsMediaOrganization"
    assert article["publisher"]["logo"]["url"].startswith("http://testserver/static/")
    assert len(article["image"]) == 3
    assert all(u.startswith("http://testserver/media/") for u in article["image"])
    assert article["mainEntityOfPage"]["@id"] == "http://testserver/world/harbour-reopens/"
    assert article["articleSection"] == "World"
    assert article["isPartOf"]["url"] == "http://testserver/series/tides/"
    assert article["keywords"] == ["Ports"]
    assert article["isAccessibleForFree"] is True


def test_story_page_has_canonical_and_open_graph_tags(client, story):
    head = head_of(client.get(story.url + "?utm_source=x&page=%ff"))
    canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
    assert canonical == ["http://testserver/world/harbour-reopens/"]
    assert head.meta["og:url"] == ["http://testserver/world/harbour-reopens/"]
    assert head.meta["og:type"] == ["article"]
    assert head.meta["og:title"] == ["Harbour reopens after the storm"]
    assert head.meta["description"][0].startswith("Fishing boats")
    (image,) = head.meta["og:image"]
    assert image.startswith("http://testserver/media/") and "1200x630" in image
    assert head.meta["og:image:width"] == ["1200"] and head.meta["og:image:height"] == ["630"]
    assert head.meta["og:image:alt"] == ["Boats leaving the harbour"]
    assert head.meta["article:published_time"] == ["2026-11-20T09:30:00+00:00"]
    assert head.meta["article:section"] == ["World"]
    assert head.meta["article:author"] == [
        "http://testserver/authors/ada-reporter/",
        "http://testserver/authors/ben-writer/",
    ]
    assert head.meta["twitter:card"] == ["summary_large_image"]


def test_story_page_links_its_feeds(client, story):
    head = head_of(client.get(story.url))
    feeds = {link["href"]: link["type"] for link in head.links if link.get("rel") == "alternate"}
    assert feeds["http://testserver/sections/world/feed/"] == "application/rss+xml"
    assert feeds["http://testserver/series/tides/feed/"] == "application/rss+xml"
    assert feeds["http://testserver/feed/"] == "application/rss+xml"
    assert feeds["http://testserver/feed/atom/"] == "application/atom+xml"


def test_headline_with_script_tag_stays_inside_the_json(client, section):
    story = publish_story(section, title="Why </script><b>tags</b> & such break pages")
    response = client.get(story.url)
    html = response.content.decode()
    assert "</script><b>tags" not in html.split("<body", 1)[0]
    head = head_of(response)
    (article,) = [d for d in head.json_ld if d.get("@type") == "NewsArticle"]
    assert article["headline"] == "Why </script><b>tags</b> & such break pages"


def test_story_without_deck_is_described_by_its_first_paragraph(client, section):
    story = publish_story(section, title="Quiet day", paragraphs=["Nothing <i>much</i> happened."])
    head = head_of(client.get(story.url))
    assert head.meta["description"] == ["Nothing much happened."]
    assert head.meta["twitter:card"] == ["summary"]


def test_home_page_describes_the_website(client, home, section):
    head = head_of(client.get("/"))
    (graph,) = [d for d in head.json_ld if "@graph" in d]
    types = {node["@type"] for node in graph["@graph"]}
    assert types == {"WebSite", "NewsMediaOrganization"}
    assert head.meta["og:type"] == ["website"]
    assert [link["href"] for link in head.links if link.get("rel") == "canonical"] == [
        "http://testserver/"
    ]


def test_section_page_is_a_collection_with_its_feed(client, section):
    head = head_of(client.get(section.url))
    assert head.json_ld[0]["@type"] == "CollectionPage"
    hrefs = [link["href"] for link in head.links if link.get("rel") == "alternate"]
    assert hrefs[0] == "http://testserver/sections/world/feed/"


def test_author_page_has_profile_markup_and_feed(client, story):
    head = head_of(client.get("/authors/ada-reporter/"))
    assert head.json_ld[0]["@type"] == "ProfilePage"
    assert head.json_ld[0]["mainEntity"]["name"] == "Ada Reporter"
    hrefs = [link["href"] for link in head.links if link.get("rel") == "alternate"]
    assert "http://testserver/authors/ada-reporter/feed/" in hrefs
    canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
    assert canonical == ["http://testserver/authors/ada-reporter/"]


def test_series_page_links_its_feed(client, story):
    head = head_of(client.get("/series/tides/"))
    assert head.json_ld[0]["@type"] == "CollectionPage"
    hrefs = [link["href"] for link in head.links if link.get("rel") == "alternate"]
    assert hrefs[0] == "http://testserver/series/tides/feed/"


@pytest.mark.parametrize(
    "query", ["?page=%ff%fe", "?page=abc", "?page=-1", "?page=99999999999999999999", "?page="]
)
def test_reader_pages_never_fail_on_malformed_query_strings(client, story, query):
    for path in ["/authors/ada-reporter/", "/series/tides/", "/tags/ports/", story.url, "/"]:
        response = client.get(path + query)
        assert response.status_code == 200, (path, query, response.status_code)


def test_walled_context_marks_the_story_as_paywalled(rf, story):
    from django.template.loader import render_to_string

    from masthead.core.models import SiteSettings

    request = rf.get(story.url)
    html = render_to_string(
        "content/includes/seo.html",
        {"page": story, "walled": True, "site_settings": SiteSettings.load()},
        request,
    )
    parser = HeadParser()
    parser.feed(html)
    (article,) = parser.json_ld
    assert article["isAccessibleForFree"] is False
    assert article["hasPart"]["cssSelector"] == ".paywall"
