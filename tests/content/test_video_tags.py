"""A video's tags: kept by the admin's form, listed by the API, never a 500.

``VideoTag`` hangs off ``Video`` by a ``ParentalKey``, as modelcluster's tag
manager expects; the migration that made it one keeps every existing tag on
its video.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from masthead.content.snippets import Video, VideoTag
from tests.content.factories import VideoFactory
from tests.content.test_api import NOW, get_json, newsroom  # noqa: F401 (fixture)

BEFORE = [("content", "0002_newsletter_signup_block")]
AFTER = [("content", "0003_video_tag_parental_key")]


@pytest.fixture
def video(newsroom):  # noqa: F811
    return Video.objects.get(slug="boats")


def edit_form(video: Video, tags: str) -> dict[str, str]:
    """What the admin's edit form posts: every field as the editor left it."""
    return {
        "title": video.title,
        "slug": video.slug,
        "embed_url": video.embed_url,
        "duration_seconds": str(video.duration_seconds),
        "caption": video.caption,
        "credit": video.credit,
        "published_at": video.published_at.strftime("%Y-%m-%d %H:%M"),
        "tags": tags,
    }


def tag_names(video: Video) -> list[str]:
    return sorted(VideoTag.objects.filter(content_object=video).values_list("tag__name", flat=True))


def test_the_admin_form_saves_adds_and_removes_tags(admin_client, video):
    url = f"/admin/snippets/content/video/edit/{video.pk}/"
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="tags"' in page.content.decode()

    saved = admin_client.post(url, edit_form(video, "Harbour, Dawn"))
    assert saved.status_code == 302, saved.content.decode()[-2000:]
    assert tag_names(video) == ["Dawn", "Harbour"]

    admin_client.post(url, edit_form(video, "Dawn, Night tide"))
    assert tag_names(video) == ["Dawn", "Night tide"]
    assert "Night tide" in admin_client.get(url).content.decode()  # the form shows them again


def test_the_admin_add_form_keeps_the_tags_of_a_new_video(admin_client, newsroom):  # noqa: F811
    new = VideoFactory.build(title="Low water", slug="low-water", published_at=NOW)
    created = admin_client.post("/admin/snippets/content/video/add/", edit_form(new, "Mud, Birds"))
    assert created.status_code == 302, created.content.decode()[-2000:]
    assert tag_names(Video.objects.get(slug="low-water")) == ["Birds", "Mud"]


@pytest.mark.parametrize("fields", ["tags", "*", "tags,section", "*,-tags"])
def test_the_api_lists_the_tags_the_form_saved(admin_client, client, video, fields):
    admin_client.post(
        f"/admin/snippets/content/video/edit/{video.pk}/", edit_form(video, "Harbour, Dawn")
    )
    data = get_json(client, f"/api/v2/videos/{video.pk}/?fields={fields}")
    assert data["title"] == "Boats at dawn"
    if "-tags" in fields:
        assert "tags" not in data
    else:
        assert sorted(data["tags"]) == ["Dawn", "Harbour"]
    listing = get_json(client, f"/api/v2/videos/?fields={fields}")
    assert [item["title"] for item in listing["items"]] == ["Boats at dawn"]


def test_tags_added_in_code_reach_the_api(client, video):
    video.tags.add("Harbour")
    video.save()
    data = get_json(client, "/api/v2/videos/?fields=tags")
    assert [item["tags"] for item in data["items"]] == [["Harbour"]]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/videos/{id}/?fields=tags(name)",
        "/api/v2/videos/?fields=tags(title)",
        "/api/v2/videos/?fields=tags,nonexistent",
        # ordering by a list would repeat a video once per tag
        "/api/v2/videos/?fields=tags&order=tags",
        "/api/v2/videos/?order=-tags",
        "/api/v2/videos/?order=title,tags",
        "/api/v2/pages/?type=content.StoryPage&order=tags",
    ],
)
def test_malformed_tag_parameters_answer_400_with_a_message(client, video, url):
    video.tags.add("Harbour", "Dawn")
    video.save()
    data = get_json(client, url.format(id=video.pk), 400)
    assert isinstance(data["message"], str) and data["message"]


@pytest.mark.parametrize(
    ("url", "titles"),
    [
        ("/api/v2/videos/?fields=tags(*)", ["Boats at dawn"]),
        ("/api/v2/videos/?fields=-tags,-tags", ["Boats at dawn"]),
        ("/api/v2/videos/?tags=Harbour", ["Boats at dawn"]),
        ("/api/v2/videos/?tags=Harbour,Dawn", ["Boats at dawn"]),
        ("/api/v2/videos/?tags=Nope", []),
        ("/api/v2/videos/?tags=%3Cscript%3E", []),
        ("/api/v2/videos/?order=section", ["Boats at dawn"]),
    ],
)
def test_odd_but_well_formed_tag_parameters_list_each_video_once(client, video, url, titles):
    video.tags.add("Harbour", "Dawn")
    video.save()
    data = get_json(client, url)
    assert [item["title"] for item in data["items"]] == titles
    assert data["meta"]["total_count"] == len(titles)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/videos/boats/", 200),
        ("/videos/?page=abc", 200),
        ("/videos/?page=99999999999999999999999", 200),
        ("/videos/?page=-1", 200),
        ("/videos/no-such-video/", 404),
        ("/videos/boats/?page=%ff%fe", 200),
    ],
)
def test_the_video_pages_answer_with_tags_on_the_video(client, video, url, status):
    video.tags.add("Harbour")
    video.save()
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        assert "Boats at dawn" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_tag_on_its_video():
    """Back to the plain foreign key, tag rows written as they were, then forward."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    old = executor.loader.project_state(BEFORE).apps
    OldVideo, OldTag = old.get_model("content", "Video"), old.get_model("taggit", "Tag")
    OldVideoTag = old.get_model("content", "VideoTag")
    when = NOW - timedelta(days=1)
    boats = OldVideo.objects.create(title="Boats", slug="boats", published_at=when)
    gulls = OldVideo.objects.create(title="Gulls", slug="gulls", published_at=when)
    for video, name in [(boats, "Harbour"), (boats, "Dawn"), (gulls, "Harbour")]:
        OldVideoTag.objects.create(
            content_object=video, tag=OldTag.objects.get_or_create(name=name, slug=name.lower())[0]
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    call_command("migrate", verbosity=0)  # the rest of the schema, as the test database had it

    assert tag_names(Video.objects.get(slug="boats")) == ["Dawn", "Harbour"]
    assert tag_names(Video.objects.get(slug="gulls")) == ["Harbour"]
    assert [t.name for t in Video.objects.get(slug="gulls").tags.all()] == ["Harbour"]
