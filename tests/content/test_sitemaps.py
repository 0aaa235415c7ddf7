"""sitemap.xml, the Google News sitemap and robots.txt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

import pytest
import time_machine

from masthead.content.sitemaps import news_language
from masthead.core.models import SiteSettings
from tests.content.factories import AuthorFactory, SeriesFactory, VideoFactory, publish_story

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def urls(response) -> dict[str, ET.Element]:
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{SM}urlset"
    return {u.findtext(f"{SM}loc"): u for u in root.findall(f"{SM}url")}


@pytest.fixture
def newsroom(section):
    ada = AuthorFactory(name="Ada Reporter", slug="ada")
    AuthorFactory(name="No Stories Yet", slug="quiet")
    tides = SeriesFactory(title="Tides", slug="tides")
    old = publish_story(
        section,
        title="Harbour closes",
        slug="harbour-closes",
        authors=[ada],
        series=tides,
        published=NOW - timedelta(days=5),
    )
    fresh = publish_story(
        section,
        title="Harbour <reopens> & more",
        slug="harbour-reopens",
        authors=[ada],
        published=NOW - timedelta(hours=3),
    )
    fresh.tags.add("Ports")
    fresh.save_revision().publish()
    VideoFactory(title="Boats at dawn", slug="boats", published_at=NOW - timedelta(days=1))
    VideoFactory(title="Not yet", slug="future", published_at=NOW + timedelta(days=3))
    return {"old": old, "fresh": fresh}


@time_machine.travel(NOW, tick=False)
def test_sitemap_lists_pages_and_reader_pages_with_absolute_urls(client, newsroom):
    found = urls(client.get("/sitemap.xml"))
    for loc in [
        "http://testserver/",
        "http://testserver/world/",
        "http://testserver/world/harbour-closes/",
        "http://testserver/world/harbour-reopens/",
        "http://testserver/authors/ada/",
        "http://testserver/authors/quiet/",
        "http://testserver/series/tides/",
        "http://testserver/tags/ports/",
        "http://testserver/videos/boats/",
    ]:
        assert loc in found, loc
    assert "http://testserver/videos/future/" not in found
    assert found["http://testserver/world/harbour-closes/"].findtext(f"{SM}lastmod")
    assert (
        found["http://testserver/series/tides/"].findtext(f"{SM}lastmod").startswith("2026-11-20")
    )
    assert (
        found["http://testserver/videos/boats/"].findtext(f"{SM}lastmod").startswith("2026-11-24")
    )


@time_machine.travel(NOW, tick=False)
def test_sitemap_leaves_out_drafts(client, newsroom):
    newsroom["old"].unpublish()
    found = urls(client.get("/sitemap.xml"))
    assert "http://testserver/world/harbour-closes/" not in found


def test_sitemap_uses_site_url_whatever_the_host(client, newsroom, settings):
    settings.SITE_URL = "https://news.example.org"
    found = urls(client.get("/sitemap.xml"))
    assert "https://news.example.org/world/harbour-reopens/" in found
    assert "https://news.example.org/authors/ada/" in found
    assert all(loc.startswith("https://news.example.org/") for loc in found)


@time_machine.travel(NOW, tick=False)
def test_news_sitemap_has_only_the_last_two_days(client, newsroom, home):
    settings_row = SiteSettings.load()
    settings_row.site_name = "The Harbour Courier"
    settings_row.save()
    response = client.get("/news-sitemap.xml")
    assert response["Content-Type"].startswith("application/xml")
    found = urls(response)
    assert list(found) == ["http://testserver/world/harbour-reopens/"]
    news = found["http://testserver/world/harbour-reopens/"].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "The Harbour Courier"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}publication_date") == "2026-11-25T09:00:00+00:00"
    assert news.findtext(f"{NEWS}title") == "Harbour <reopens> & more"


@time_machine.travel(NOW + timedelta(days=10), tick=False)
def test_news_sitemap_is_empty_when_nothing_is_new(client, newsroom):
    assert urls(client.get("/news-sitemap.xml")) == {}


def test_news_language_codes():
    assert news_language("en-us") == "en"
    assert news_language("fr") == "fr"
    assert news_language("zh-hans") == "zh-cn"
    assert news_language("zh-TW") == "zh-tw"


def test_robots_txt(client, settings):
    settings.SITE_URL = "https://news.example.org"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ["/admin/", "/account/", "/mailbox/"]:
        assert f"Disallow: {path}" in lines
    assert "Sitemap: https://news.example.org/sitemap.xml" in lines
    assert "Sitemap: https://news.example.org/news-sitemap.xml" in lines


@pytest.mark.parametrize("path", ["/sitemap.xml", "/news-sitemap.xml", "/robots.txt"])
def test_only_get_is_allowed(client, home, path):
    assert client.post(path).status_code == 405
