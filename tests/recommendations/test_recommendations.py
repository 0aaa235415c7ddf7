"""Your Three and More on this, as a reader sees them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.analytics.ingest import view_record
from masthead.analytics.models import STORY, VIDEO
from masthead.recommendations.models import VideoPin
from masthead.recommendations.services import (
    index_forget,
    related_compute,
    related_stories,
    your_three,
)
from tests.analytics.counts import BROWSER_UA, drain
from tests.content.factories import SectionPageFactory, VideoFactory, publish_story
from tests.tasks import run_pending_tasks

HARBOUR = [
    "The harbour authority reopened the container port after the storm surge.",
    "Dock workers and ferry crews returned to the harbour quays and cranes.",
]
ELECTION = [
    "Voters queued at polling stations as the election count began.",
    "Candidates for parliament waited for ballots from every district.",
]


@pytest.fixture(autouse=True)
def _fresh_index():
    index_forget()
    yield
    index_forget()


def viewed(reader: str, kind: str, object_id: int, minutes_ago: int = 5) -> None:
    at = (timezone.now() - timedelta(minutes=minutes_ago)).timestamp()
    view_record(reader=reader, kind=kind, object_id=object_id, user_agent=BROWSER_UA, now=at)


@pytest.fixture
def newsroom(home, section):
    politics = SectionPageFactory(parent=home, title="Politics", slug="politics")
    stories = {
        "harbour": publish_story(section, title="Harbour reopens after storm", paragraphs=HARBOUR),
        "ferries": publish_story(section, title="Ferry crews return to the harbour", paragraphs=HARBOUR[1:] + ["Quays busy again."]),
        "vote": publish_story(politics, title="Election count begins", paragraphs=ELECTION),
        "ballots": publish_story(politics, title="Ballots arrive from districts", paragraphs=ELECTION[1:] + ["Parliament waits."]),
    }  # fmt: skip
    videos = {
        "port": VideoFactory(title="Inside the reopened harbour port", caption="Cranes and ferry crews at the harbour quays.", section=section),
        "polls": VideoFactory(title="Polling stations on election day", caption="Voters and ballots in parliament districts.", section=politics),
        "cats": VideoFactory(title="Cat show highlights", caption="Cats."),
        "bakes": VideoFactory(title="Bread baking contest", caption="Loaves."),
    }  # fmt: skip
    return stories, videos


def titles(items) -> list[str]:
    return [item.title for item in items]


def test_your_three_follows_what_the_reader_read(newsroom):
    stories, videos = newsroom
    viewed("reader-a", STORY, stories["harbour"].pk)
    viewed("reader-a", STORY, stories["ferries"].pk)
    drain()
    assert titles(your_three(reader="reader-a"))[0] == "Inside the reopened harbour port"
    viewed("reader-b", STORY, stories["vote"].pk)
    drain()
    assert titles(your_three(reader="reader-b"))[0] == "Polling stations on election day"


def test_your_three_never_offers_a_watched_video(newsroom):
    stories, videos = newsroom
    viewed("reader-a", STORY, stories["harbour"].pk)
    viewed("reader-a", VIDEO, videos["port"].pk)
    drain()
    offered = titles(your_three(reader="reader-a"))
    assert len(offered) == 3
    assert "Inside the reopened harbour port" not in offered


def test_a_new_reader_gets_the_most_watched_videos(newsroom):
    _, videos = newsroom
    for n in range(3):
        viewed(f"fan-{n}", VIDEO, videos["bakes"].pk)
    viewed("fan-9", VIDEO, videos["cats"].pk)
    drain()
    assert titles(your_three(reader="someone-new"))[:2] == [
        "Bread baking contest",
        "Cat show highlights",
    ]


def test_a_pinned_video_comes_first_unless_watched(newsroom):
    stories, videos = newsroom
    VideoPin.objects.create(video_id=videos["cats"].pk)
    viewed("reader-a", STORY, stories["vote"].pk)
    drain()
    assert titles(your_three(reader="reader-a"))[0] == "Cat show highlights"
    assert titles(your_three(reader="someone-new"))[0] == "Cat show highlights"
    viewed("reader-a", VIDEO, videos["cats"].pk)
    drain()
    assert "Cat show highlights" not in titles(your_three(reader="reader-a"))


def test_your_three_fragment_is_private_and_never_shared(client, newsroom):
    answer = client.get("/your-three/fragment/", HTTP_USER_AGENT=BROWSER_UA)
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "private, no-store"
    assert answer.content.decode().count('class="your-three__item"') == 3
    assert client.get("/your-three/").status_code == 200


def test_more_on_this_is_computed_on_publish_and_shown_on_the_story(
    client, home, section, django_capture_on_commit_callbacks
):
    politics = SectionPageFactory(parent=home, title="Politics", slug="politics")
    with django_capture_on_commit_callbacks(execute=True):
        stories = {
            "harbour": publish_story(section, title="Harbour reopens after storm", paragraphs=HARBOUR),
            "vote": publish_story(politics, title="Election count begins", paragraphs=ELECTION),
            "ballots": publish_story(politics, title="Ballots arrive from districts", paragraphs=ELECTION[1:] + ["Parliament waits."]),
            "ferries": publish_story(section, title="Ferry crews return to the harbour", paragraphs=HARBOUR[1:] + ["Quays busy again."]),
        }  # fmt: skip
    assert related_stories(story_id=stories["harbour"].pk) == []  # not on the request path
    with django_capture_on_commit_callbacks(execute=True):
        run_pending_tasks()
    assert titles(related_stories(story_id=stories["harbour"].pk))[0] == (
        "Ferry crews return to the harbour"
    )
    assert titles(related_stories(story_id=stories["vote"].pk))[0] == (
        "Ballots arrive from districts"
    )
    page = client.get(stories["harbour"].url).content.decode()
    assert "More on this" in page
    assert page.index("Ferry crews return to the harbour") > page.index("More on this")


def test_more_on_this_favours_the_same_series(newsroom, section):
    from tests.content.factories import SeriesFactory

    stories, _ = newsroom
    series = SeriesFactory(title="Port watch")
    first = publish_story(
        section, title="Port watch: part one", series=series, paragraphs=["Cargo."]
    )
    second = publish_story(section, title="Port watch: part two", series=series, paragraphs=["Freight."])  # fmt: skip
    assert related_compute(story_id=first.pk)[0] == second.pk
