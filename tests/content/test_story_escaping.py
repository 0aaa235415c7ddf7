"""Every field of a story that an editor types is escaped wherever it is shown
(issue 9, item 17: ``|safe`` on the headline went unnoticed; escaping was
tested for bylines and the wall only)."""

from __future__ import annotations

import json
import re

import pytest
from taggit.models import Tag

from masthead.content.models import StoryPage
from tests.content.factories import AuthorFactory, ImageFactory, SeriesFactory, publish_story

pytestmark = pytest.mark.django_db


def hostile(field: str) -> str:
    """A payload that runs script if printed raw, marked with the field's name."""
    return f'<script>alert("{field}")</script><img src=x onerror=alert(1)>"\'&'


FIELDS = ["title", "deck", "source_name", "lead_image_caption", "lead_image_credit",
          "lead_image_alt", "seo_title"]  # fmt: skip
# search_description is not shown: the meta description is the deck, tags stripped.


@pytest.fixture
def hostile_story(section):
    section.title = hostile("section")
    section.save_revision().publish()
    author = AuthorFactory(name=hostile("author"))
    series = SeriesFactory(title=hostile("series"))
    story = publish_story(
        section,
        authors=[author],
        series=series,
        paragraphs=["A paragraph."],
        lead_image=ImageFactory(title=hostile("image"), file__width=64, file__height=48),
        source_url='https://example.org/"><script>alert("source_url")</script>',
        **{field: hostile(field) for field in FIELDS},
    )
    story.tags.add(Tag.objects.create(name=hostile("tag"), slug="hostile-tag"))
    story.save_revision().publish()
    return StoryPage.objects.get(pk=story.pk)


def _assert_escaped(html: str, names: list[str]) -> None:
    assert "<script>alert(" not in html
    assert "onerror=alert(1)>" not in html
    for name in names:
        escaped = f"&lt;script&gt;alert(&quot;{name}&quot;)&lt;/script&gt;"
        in_json = f'\\u003Cscript\\u003Ealert(\\"{name}\\")'
        assert escaped in html or in_json in html, f"{name} is not shown escaped"


def test_every_story_field_is_escaped_on_the_story_page(client, hostile_story):
    html = client.get(hostile_story.url).content.decode()
    _assert_escaped(html, ["section", "author", "series", *FIELDS])
    headline = re.search(r'<h1 id="story-headline"[^>]*>(.*?)</h1>', html, re.S)[1]
    assert headline == (
        "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;"
        "&lt;img src=x onerror=alert(1)&gt;&quot;&#x27;&amp;"
    )
    assert 'href="https://example.org/&quot;&gt;&lt;script&gt;' in html


def test_the_story_title_and_deck_are_escaped_on_lists(client, hostile_story, section):
    for url in ("/", section.url, hostile_story.series.get_absolute_url()):
        html = client.get(url).content.decode()
        _assert_escaped(html, ["title"])


def test_structured_data_keeps_the_headline_inside_its_script(client, hostile_story):
    html = client.get(hostile_story.url).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert blocks
    headlines = [json.loads(block).get("headline") for block in blocks]
    assert hostile("seo_title") in headlines or hostile("title") in headlines
