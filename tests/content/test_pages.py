"""Reader pages as a reader sees them: what is on the page, in what words, at what cost."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils.html import strip_tags
from wagtail.models import Site

from masthead.content.models import StandardPage
from masthead.content.templatetags.masthead_tags import (
    byline,
    byline_date,
    byline_text,
    duration,
    join_names,
    visible_blocks,
)
from masthead.core.models import SiteSettings
from tests.content.factories import (
    AuthorFactory,
    ImageFactory,
    SectionPageFactory,
    SeriesFactory,
    VideoFactory,
    publish_story,
)

NOV_2_2012 = datetime(2012, 11, 2, 15, 30, tzinfo=UTC)


def text_of(html: str) -> str:
    """What a reader reads: tags stripped, whitespace collapsed."""
    return re.sub(r"\s+", " ", strip_tags(html)).strip()


VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Finder(HTMLParser):
    """Finds the first element carrying a class and records where it ends."""

    def __init__(self, css_class: str):
        super().__init__(convert_charrefs=False)
        self.css_class = css_class
        self.depth = 0
        self.start = self.end = None

    def handle_starttag(self, tag, attrs):
        if self.end is not None or tag in VOID:
            return
        if self.start is not None:
            self.depth += 1
        elif self.css_class in (dict(attrs).get("class") or "").split():
            self.start = self.getpos()
            self.depth = 1

    def handle_endtag(self, tag):
        if self.start is None or self.end is not None or tag in VOID:
            return
        self.depth -= 1
        if self.depth == 0:
            self.end = self.getpos()


def element(html: str, css_class: str) -> str:
    """The HTML of the first element whose class list includes ``css_class``."""
    finder = _Finder(css_class)
    finder.feed(html)
    assert finder.start and finder.end, f"no element with class {css_class!r}"
    lines = html.splitlines(keepends=True)

    def offset(pos):
        return sum(len(line) for line in lines[: pos[0] - 1]) + pos[1]

    return html[offset(finder.start) : offset(finder.end)]


# ---------- the byline, as a unit ----------


def test_join_names_reads_like_english():
    assert join_names([]) == ""
    assert join_names(["Ada"]) == "Ada"
    assert join_names(["Ada", "Ben"]) == "Ada and Ben"
    assert join_names(["Ada", "Ben", "Cy"]) == "Ada, Ben and Cy"


def test_byline_date_is_month_day_year_without_padding():
    assert byline_date(NOV_2_2012) == "November 2, 2012"
    assert byline_date(None) == ""


def test_byline_text_and_html_read_the_same():
    ada = SimpleNamespace(name="Ada Reporter", get_absolute_url=lambda: "/authors/ada/")
    ben = SimpleNamespace(name="Ben <Writer>", get_absolute_url=lambda: "/authors/ben/")
    cy = SimpleNamespace(name="Cy", get_absolute_url=lambda: "/authors/cy/")
    one = SimpleNamespace(authors=[ada], first_published_at=NOV_2_2012)
    three = SimpleNamespace(authors=[ada, ben, cy], first_published_at=NOV_2_2012)

    assert byline_text(one) == "Ada Reporter · November 2, 2012"
    assert byline_text(three) == "Ada Reporter, Ben <Writer> and Cy · November 2, 2012"
    html = byline(three)
    assert text_of(html) == "Ada Reporter, Ben &lt;Writer&gt; and Cy · November 2, 2012"
    assert '<a class="byline__author" href="/authors/ben/">Ben &lt;Writer&gt;</a>' in html
    assert '<time class="byline__date" datetime="2012-11-02T15:30:00+00:00">' in html
    assert byline_text(SimpleNamespace(authors=[], first_published_at=None)) == ""


def test_visible_blocks_cuts_the_body_only_when_walled():
    body = ["a", "b", "c", "d", "e"]
    assert visible_blocks(body) == body
    assert visible_blocks(body, walled=True) == ["a", "b", "c"]  # default preview
    assert visible_blocks(body, walled=True, preview="") == ["a", "b", "c"]
    assert visible_blocks(body, walled=True, preview=1) == ["a"]
    assert visible_blocks(body, walled=True, preview="nonsense") == ["a", "b", "c"]


def test_duration_reads_like_a_clock():
    assert duration(95) == "1:35"
    assert duration(3725) == "1:02:05"
    assert duration(None) == ""


# ---------- the story page ----------


@pytest.fixture
def full_story(section):
    series = SeriesFactory(title="The Harbour Files", slug="harbour-files")
    author = AuthorFactory(name="Jane Doe", slug="jane-doe")
    story = publish_story(
        section,
        title="Cranes fall silent as the harbour strike begins",
        slug="harbour-strike",
        deck="Dock workers walked out at midnight after talks collapsed.",
        authors=[author],
        series=series,
        published=NOV_2_2012,
        lead_image=ImageFactory(title="Cranes over the water"),
        lead_image_caption="Harbour cranes at dawn.",
        lead_image_credit="Jane Doe/Masthead",
        source_name="The Daily Ledger",
        source_url="https://ledger.example.org/strike",
        paragraphs=["Para one.", "Para two.", "Para three.", "Para four.", "Para five."],
    )
    story.tags.add("Labour", "Shipping")
    story.save_revision().publish()
    return story


def test_story_page_shows_what_the_reference_page_shows(client, section, full_story):
    later = publish_story(
        section,
        title="Strike talks resume",
        series=full_story.series,
        authors=[AuthorFactory(name="Max Field", slug="max-field")],
        published=NOV_2_2012 + timedelta(days=1),
        lead_image=ImageFactory(),
    )
    response = client.get(full_story.url)
    assert response.status_code == 200
    html = response.content.decode()

    assert html.count("<h1") == 1
    assert text_of(element(html, "story__headline")) == full_story.title
    assert text_of(element(html, "story__deck")) == full_story.deck
    assert text_of(element(html, "story__byline")) == "Jane Doe · November 2, 2012"
    assert 'href="/authors/jane-doe/"' in html
    assert text_of(element(html, "story__labels")) == "World Series: The Harbour Files"
    assert 'href="/series/harbour-files/"' in html
    assert text_of(element(html, "caption")) == "Harbour cranes at dawn. (Jane Doe/Masthead)"
    assert 'alt="Cranes over the water"' in html
    assert "image/webp" in html and 'width="' in html and 'height="' in html
    assert '<a href="https://ledger.example.org/strike" rel="noopener">The Daily Ledger</a>' in html
    assert 'href="/tags/labour/"' in html and 'href="/tags/shipping/"' in html
    for para in ("Para one.", "Para five."):
        assert para in html

    teaser = element(html, "next-story")
    assert "Next Story" in teaser
    assert later.url in teaser
    assert "Strike talks resume" in teaser
    assert "Max Field · November 3, 2012" in text_of(teaser)


def test_story_byline_lists_several_authors(client, section):
    story = publish_story(
        section,
        authors=[
            AuthorFactory(name="Ada Reporter", slug="ada"),
            AuthorFactory(name="Ben Writer", slug="ben"),
            AuthorFactory(name="Cy Editor", slug="cy"),
        ],
        published=NOV_2_2012,
    )
    html = client.get(story.url).content.decode()
    assert (
        text_of(element(html, "story__byline")) == "Ada Reporter, Ben Writer and Cy Editor · "
        "November 2, 2012"
    )


def test_lead_image_alt_text_wins_over_the_image_title(client, section):
    story = publish_story(
        section, lead_image=ImageFactory(title="IMG_0042"), lead_image_alt="A crane at dawn"
    )
    html = client.get(story.url).content.decode()
    assert 'alt="A crane at dawn"' in html
    assert "IMG_0042" not in element(html, "story__lead")


def _render_story(story, **context):
    request = RequestFactory().get(story.url)
    request.user = AnonymousUser()
    request.session = SessionStore()
    return render_to_string(
        "content/story_page.html", {"page": story, "self": story, **context}, request=request
    )


def test_walled_story_leaves_the_rest_of_the_body_out_of_the_html(full_story):
    html = _render_story(full_story, walled=True, wall_preview_blocks=2)
    body = element(html, "story-body")
    assert "Para one." in body and "Para two." in body
    for withheld in ("Para three.", "Para four.", "Para five."):
        assert withheld not in html
    assert '<section class="paywall" aria-label="Subscription">' in html
    assert "To keep reading, please enter your email address." in html


def test_walled_story_shows_three_blocks_by_default(full_story):
    html = _render_story(full_story, walled=True)
    assert "Para three." in html and "Para four." not in html


def test_unwalled_story_renders_the_whole_body(full_story):
    html = _render_story(full_story, walled=False)
    assert "Para five." in html
    assert "paywall" not in html


# ---------- lists: home, section, author, series, tag, video ----------


@pytest.fixture
def newsroom(home, section):
    """Two sections, two authors, a series, a tag and a video."""
    business = SectionPageFactory(parent=home, title="Business", slug="business")
    ada = AuthorFactory(name="Ada Reporter", slug="ada")
    ben = AuthorFactory(name="Ben Writer", slug="ben")
    series = SeriesFactory(title="Power Play", slug="power-play")
    start = NOV_2_2012
    stories = []
    for i in range(8):
        target = section if i % 2 else business
        story = publish_story(
            target,
            title=f"Headline number {i}",
            authors=[ada if i < 5 else ben],
            series=series if i in (1, 3) else None,
            published=start + timedelta(hours=i),
            lead_image=ImageFactory(),
            deck=f"Deck number {i}",
        )
        stories.append(story)
    stories[2].tags.add("Energy")
    stories[2].save_revision().publish()
    VideoFactory(title="Inside the flood barrier", slug="flood-barrier", poster=ImageFactory())
    return SimpleNamespace(
        stories=stories, business=business, ada=ada, ben=ben, series=series, home=home
    )


def test_home_page_has_lead_top_stories_rails_and_videos(client, newsroom):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    lead = element(html, "front__lead")
    assert "Headline number 7" in lead and "Deck number 7" in lead
    assert "Ben Writer · November 2, 2012" in text_of(lead)
    top = element(html, "front__top")
    assert "Headline number 6" in top and "Headline number 3" in top
    assert 'id="rail-business"' in html and 'id="rail-world"' in html
    assert "Headline number 0" in html  # beyond the top five, in its section's rail
    assert "Inside the flood barrier" in html and 'href="/videos/flood-barrier/"' in html


def test_header_and_footer_navigate_the_site(client, newsroom, section):
    terms = newsroom.home.add_child(
        instance=StandardPage(title="Terms of Service", slug="terms", body="<p>Be kind.</p>")
    )
    settings = SiteSettings.load()
    settings.site_name = "The Harbour Herald"
    settings.terms_page = terms
    settings.save()

    html = client.get(section.url).content.decode()
    assert '<a href="/" class="masthead__name">The Harbour Herald</a>' in html
    nav = element(html, "section-nav")
    assert nav.index(">World<") < nav.index(">Business<")  # page tree order
    assert 'href="/world/" aria-current="page"' in nav
    assert 'href="/accounts/login/">Sign in</a>' in html
    assert "Subscribe" in html
    assert '<a href="/terms/">Terms of Service</a>' in element(html, "site-footer")
    assert 'href="/feed/"' in html
    assert 'class="skip-link" href="#main"' in html and '<main id="main"' in html


def test_signed_in_reader_sees_account_links(client, newsroom):
    user = get_user_model().objects.create_user(
        username="reader", email="reader@example.org", password="a-long-password-1"
    )
    client.force_login(user)
    html = client.get("/").content.decode()
    assert '<a href="/account/">My account</a>' in html
    assert "Sign out" in html and "Sign in</a>" not in html


def test_section_page_lists_its_stories_and_paginates(client, newsroom, section):
    response = client.get(section.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert text_of(element(html, "list-header__title")) == "World"
    for i in (1, 3, 5, 7):
        assert f"Headline number {i}" in html
    for i in (0, 2, 4, 6):
        assert f"Headline number {i}" not in html
    for bad in ("abc", "999", "-1", "1e9"):
        assert client.get(section.url, {"page": bad}).status_code == 200


def test_author_page_lists_only_their_stories(client, newsroom):
    response = client.get("/authors/ben/")
    assert response.status_code == 200
    html = response.content.decode()
    assert text_of(element(html, "list-header__title")) == "Ben Writer"
    assert "Headline number 5" in html and "Headline number 7" in html
    assert "Headline number 4" not in html
    assert client.get("/authors/ben/", {"page": "abc"}).status_code == 200
    assert client.get("/authors/nobody/").status_code == 404


def test_series_page_lists_its_stories(client, newsroom):
    html = client.get("/series/power-play/").content.decode()
    assert text_of(element(html, "list-header__title")) == "Power Play"
    assert "Headline number 1" in html and "Headline number 3" in html
    assert "Headline number 5" not in html


def test_tag_page_lists_tagged_stories(client, newsroom):
    html = client.get("/tags/energy/").content.decode()
    assert text_of(element(html, "list-header__title")) == "Energy"
    assert "Headline number 2" in html and "Headline number 4" not in html


def test_video_pages(client, newsroom):
    uploaded = VideoFactory(
        title="Night shift at the port",
        slug="night-shift",
        embed_url="",
        file="videos/night-shift.mp4",
        poster=ImageFactory(),
        duration_seconds=125,
        caption="The port never sleeps.",
        credit="Ada Reporter/Masthead",
    )
    listing = client.get("/videos/").content.decode()
    assert "Night shift at the port" in listing and "Inside the flood barrier" in listing
    assert client.get("/videos/", {"page": "999"}).status_code == 200

    html = client.get(uploaded.get_absolute_url()).content.decode()
    assert text_of(element(html, "story__headline")) == "Night shift at the port"
    assert re.search(r"<video[^>]*controls[^>]*poster=\"[^\"]+\"", html)
    assert '<source src="/media/videos/night-shift.mp4">' in html
    assert "The port never sleeps. (Ada Reporter/Masthead)" in text_of(element(html, "caption"))
    assert "Inside the flood barrier" in element(html, "rail--video")

    embed = client.get("/videos/flood-barrier/").content.decode()
    assert 'href="https://video.example.org/watch/1"' in embed and "<video" not in embed


# ---------- errors ----------


def test_unknown_page_is_a_styled_404(client, home):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "site.css" in html and "We can't find that page" in html


def test_400_page_shows_its_message(rf, home):
    request = rf.get("/")
    request.user = AnonymousUser()
    html = render_to_string("400.html", {"message": "The page number is not a number."}, request)
    assert "The page number is not a number." in html and "site-footer" in html


def test_500_page_stands_alone():
    # No database fixture: a query here would raise, and no request means no context processors.
    html = render_to_string("500.html")
    assert "Something went wrong" in html and "<style>" in html


# ---------- cost ----------


def _queries(client, url, django_assert_max_num_queries, limit: int) -> int:
    """Queries for a steady-state render (the first one creates image renditions)."""
    assert client.get(url).status_code == 200
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _more_stories(section, count: int = 6) -> None:
    for i in range(count):
        publish_story(
            section,
            title=f"Extra {i}",
            authors=[AuthorFactory(), AuthorFactory()],
            lead_image=ImageFactory(),
            published=NOV_2_2012 + timedelta(days=1, hours=i),
        )


def test_home_page_query_count_does_not_grow_with_stories(
    client, newsroom, section, django_assert_max_num_queries
):
    before = _queries(client, "/", django_assert_max_num_queries, 40)
    _more_stories(section)
    _more_stories(newsroom.business)
    VideoFactory(poster=ImageFactory())
    assert _queries(client, "/", django_assert_max_num_queries, 40) == before


def test_section_page_query_count_does_not_grow_with_stories(
    client, newsroom, section, django_assert_max_num_queries
):
    before = _queries(client, section.url, django_assert_max_num_queries, 25)
    _more_stories(section)
    assert _queries(client, section.url, django_assert_max_num_queries, 25) == before


def test_author_page_query_count_does_not_grow_with_stories(
    client, newsroom, section, django_assert_max_num_queries
):
    before = _queries(client, "/authors/ben/", django_assert_max_num_queries, 25)
    for i in range(4):
        publish_story(section, authors=[newsroom.ben], lead_image=ImageFactory(), title=f"B{i}")
    assert _queries(client, "/authors/ben/", django_assert_max_num_queries, 25) == before


def test_site_name_comes_from_site_settings(client, home):
    assert Site.objects.get().root_page_id == home.pk
    settings = SiteSettings.load()
    settings.site_name = "Morning Gazette"
    settings.save()
    assert "Morning Gazette" in element(client.get("/").content.decode(), "masthead")
