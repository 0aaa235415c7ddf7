"""The demo paper: what ``masthead demo`` loads, and that a restart loads nothing twice.

Loading draws ~50 pictures and publishes ~35 pages, so the module loads once
inside an outer transaction that every test nests in (as a savepoint) and that
is rolled back at the end, leaving the database as the other modules expect.
"""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
import time_machine
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.models import Page, Site

from masthead.content.models import HomePage, SectionPage, StandardPage, StoryPage
from masthead.content.snippets import Author, Series, Video
from masthead.core.models import SiteSettings
from masthead.demo.loader import SCHEDULED_IN, load_demo
from masthead.demo.newsroom import SITE_NAME
from masthead.demo.stories import SCHEDULED

ADMIN_PASSWORD = "demo-test-password"


def _forget_cached_pages() -> None:
    """Rendered pages of the rolled-back demo must not leak into later modules."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):  # only this run's keys, not other runs' on the db
        redis = backend._cache.get_client(write=True)
        keys = list(redis.scan_iter(match=backend.make_key("*")))
        if keys:
            redis.delete(*keys)
    else:
        backend.clear()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        loaded_at = timezone.now()
        created = load_demo(admin_password=ADMIN_PASSWORD, now=loaded_at)
        yield SimpleNamespace(created=created, loaded_at=loaded_at)
        transaction.set_rollback(True)
    _forget_cached_pages()


def _stories():
    return StoryPage.objects.live().prefetch_related("story_authors__author")


@pytest.mark.django_db
def test_demo_builds_a_newspaper(demo):
    assert demo.created is True
    home = HomePage.objects.get()
    site = Site.objects.get(is_default_site=True)
    assert site.root_page_id == home.pk
    assert site.hostname == "localhost"
    assert SiteSettings.load().site_name == SITE_NAME

    assert SectionPage.objects.live().child_of(home).count() == 3
    assert Author.objects.count() == 4
    assert all(author.photo and author.bio and author.role for author in Author.objects.all())
    assert _stories().count() >= 24
    for section in SectionPage.objects.all():
        assert _stories().child_of(section).count() >= 6, section.title

    series = list(Series.objects.all())
    assert len(series) == 2
    for item in series:
        assert item.image and item.description
        assert item.stories.live().count() >= 3, item.title

    videos = list(Video.objects.all())
    assert len(videos) == 6
    for video in videos:
        assert video.file.storage.exists(video.file.name), video.slug
        assert 0 < video.file.size < 80_000
        assert video.poster and video.caption and video.credit and video.section
        assert 3 <= video.duration_seconds <= 6


@pytest.mark.django_db
def test_every_story_is_complete_and_dated_naturally(demo):
    stories = list(_stories())
    for story in stories:
        assert story.authors, story.slug
        assert story.deck, story.slug
        assert story.lead_image and story.lead_image_alt and story.lead_image_credit, story.slug
        assert story.lead_image.width == 1600 and story.lead_image.height == 900
        assert len(story.body) >= 6, story.slug
        assert story.first_published_at <= story.last_published_at <= demo.loaded_at

    kinds = {block.block_type for story in stories for block in story.body}
    assert kinds >= {"paragraph", "heading", "quote", "image", "video"}
    assert sum(len(story.authors) > 1 for story in stories) >= 3
    assert sum(bool(story.source_name and story.source_url) for story in stories) >= 3
    assert sum(story.tags.exists() for story in stories) >= 10
    html = "".join(str(block.value) for story in stories for block in story.body)
    assert "<a href=" in html or 'linktype="page"' in html
    assert "[" in "".join(
        block.value["text"]
        for story in stories
        for block in story.body
        if block.block_type == "quote"
    )

    dates = sorted(story.first_published_at for story in stories)
    assert dates[-1] - dates[0] >= timedelta(days=14)
    assert demo.loaded_at - dates[-1] <= timedelta(hours=4)
    assert sum(demo.loaded_at - d <= timedelta(days=2) for d in dates) >= 3


@pytest.mark.django_db
def test_scheduled_story_waits_for_its_time(demo):
    story = StoryPage.objects.get(slug=SCHEDULED.slug)
    assert not story.live
    assert story.first_published_at is None
    revision = story.latest_revision
    assert revision.approved_go_live_at == demo.loaded_at + SCHEDULED_IN

    call_command("publish_scheduled", verbosity=0)
    story.refresh_from_db()
    assert not story.live

    with time_machine.travel(demo.loaded_at + SCHEDULED_IN + timedelta(minutes=1), tick=False):
        call_command("publish_scheduled", verbosity=0)
    story.refresh_from_db()
    assert story.live


@pytest.mark.django_db
def test_terms_privacy_and_about_pages(demo, client):
    settings = SiteSettings.load()
    assert settings.terms_page.title == "Terms of Service"
    assert settings.privacy_page.title == "Privacy Policy"
    titles = set(StandardPage.objects.live().values_list("title", flat=True))
    assert titles == {"About us", "Terms of Service", "Privacy Policy"}
    response = client.get(settings.terms_page.url)
    assert response.status_code == 200
    assert "Free stories and subscriptions" in response.content.decode()


@pytest.mark.django_db
def test_second_run_creates_nothing(demo):
    counts = [m.objects.count() for m in (Page, Image, Video, Author, Series)]
    out = StringIO()
    call_command("load_demo", admin_password=ADMIN_PASSWORD, stdout=out)
    assert out.getvalue().strip() == "Demo content already present."
    assert load_demo(admin_password=ADMIN_PASSWORD) is False
    assert [m.objects.count() for m in (Page, Image, Video, Author, Series)] == counts


@pytest.mark.django_db
def test_admin_can_sign_in(demo, client):
    assert client.login(username="admin", password=ADMIN_PASSWORD)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_admin_can_also_sign_in_as_a_reader(demo, client):
    answer = client.post(
        "/accounts/login/",
        {"login": "admin@alderbaylantern.example", "password": ADMIN_PASSWORD},
        follow=True,
    )
    assert "Check your inbox" not in answer.content.decode()
    assert client.get("/account/").status_code == 200


@pytest.mark.django_db
def test_reader_sees_the_front_page_and_a_story(demo, client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    newest = _stories().order_by("-first_published_at").first()
    assert newest.title in page

    story = StoryPage.objects.get(slug="inside-gullet-street-pump-station")
    response = client.get(story.url)
    assert response.status_code == 200
    page = response.content.decode()
    assert story.title in page
    assert "Tamsin Achterberg" in page
    assert "Delphine Arkwright" in page  # the block quote's attribution


@pytest.mark.django_db
def test_stories_appear_in_the_content_api(demo, client):
    response = client.get("/api/v2/pages/", {"type": "content.StoryPage", "limit": 50})
    if response.status_code == 404:
        pytest.skip("content API not mounted")
    assert response.status_code == 200
    assert json.loads(response.content)["meta"]["total_count"] >= 24
