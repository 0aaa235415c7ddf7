"""A series alert goes to each confirmed follower exactly once, on a story's first publication."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from masthead.alerts.models import SeriesAlert, SeriesFollow
from masthead.content.models import StoryAuthor, StoryPage
from masthead.mail.models import BulkDelivery
from tests.content.factories import AuthorFactory, ImageFactory
from tests.tasks import run_pending_tasks

# The engine's connections must see the rows on PostgreSQL: see tests/newsletters/conftest.py.
pytestmark = pytest.mark.django_db(transaction=True)


def new_story(section, series, **fields) -> StoryPage:
    story = StoryPage(
        title="The pump station nobody inspected",
        slug="pump-station",
        deck="Records show a decade without a check.",
        series=series,
        body=[("paragraph", "<p>First paragraph.</p>")],
        **fields,
    )
    story.story_authors = [StoryAuthor(author=AuthorFactory())]
    section.add_child(instance=story)
    return story


@pytest.fixture
def followers(series):
    for email, status in [
        ("one@example.org", "active"),
        ("two@example.org", "active"),
        ("unconfirmed@example.org", "pending"),
        ("left@example.org", "stopped"),
    ]:
        SeriesFollow.objects.create(series=series, email=email, status=status)


def deliver_all():
    for _ in range(3):
        run_pending_tasks()


def test_first_publish_alerts_each_confirmed_follower_once(
    section, series, followers, smtp_backend
):
    story = new_story(section, series, lead_image=ImageFactory(), lead_image_alt="The station")
    story.save_revision().publish()
    deliver_all()
    messages = smtp_backend.wait_for(2)
    assert sorted(m["To"] for m in messages) == ["one@example.org", "two@example.org"]
    message = messages[0]
    assert message["Subject"] == 'New in "Under the Streets": The pump station nobody inspected'
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    stop = "".join(str(message["List-Unsubscribe"]).split()).strip("<>")
    assert stop.startswith("http://testserver/alerts/stop/")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    story_url = "http://testserver" + story.url
    for part in (text, html):
        assert "The pump station nobody inspected" in part
        assert "Records show a decade without a check." in part
        assert story_url in part
    assert 'alt="The station"' in html and "http://testserver/media/images/" in html
    assert stop in text

    # an edit, an unpublish and republish, another revision: no second alert
    story.deck = "Corrected deck."
    story.save_revision().publish()
    story.unpublish()
    story.refresh_from_db()
    story.save_revision().publish()
    deliver_all()
    assert SeriesAlert.objects.count() == 1
    assert BulkDelivery.objects.count() == 2
    assert len(smtp_backend.messages) == 2
    assert SeriesAlert.objects.get().send_summary.startswith("sent: 2 sent, 0 failed")


def test_a_scheduled_first_publish_alerts_once_and_a_second_schedule_never(
    section, series, followers, smtp_backend
):
    story = new_story(section, series, live=False)
    go_live = timezone.now() - timedelta(minutes=1)
    story.go_live_at = go_live
    story.save_revision(approved_go_live_at=go_live)
    call_command("publish_scheduled", verbosity=0)
    deliver_all()
    assert len(smtp_backend.wait_for(2)) == 2
    story.refresh_from_db()
    assert story.live
    # an editor schedules a correction; it goes live: already announced
    story.title = "The pump station nobody inspected (corrected)"
    story.go_live_at = timezone.now() - timedelta(seconds=30)
    story.save_revision(approved_go_live_at=story.go_live_at)
    call_command("publish_scheduled", verbosity=0)
    deliver_all()
    assert StoryPage.objects.get(pk=story.pk).title.endswith("(corrected)")
    assert SeriesAlert.objects.count() == 1
    assert len(smtp_backend.messages) == 2


def test_a_story_outside_a_series_or_back_dated_alerts_nobody(section, series, followers):
    from tests.content.factories import publish_story

    publish_story(section, title="No series")  # not in a series
    assert not SeriesAlert.objects.exists()
    old = new_story(section, series)
    old.first_published_at = timezone.now() - timedelta(days=30)  # imported, published before
    old.save_revision().publish()
    assert not SeriesAlert.objects.exists()


def test_followers_who_confirm_later_get_later_stories_only(section, series, smtp_backend):
    SeriesFollow.objects.create(series=series, email="early@example.org", status="active")
    new_story(section, series).save_revision().publish()
    deliver_all()
    SeriesFollow.objects.create(series=series, email="late@example.org", status="active")
    deliver_all()
    assert [m["To"] for m in smtp_backend.wait_for(1)] == ["early@example.org"]


def test_the_admin_lists_follows_and_each_alert_s_send(admin_client, section, series, followers):
    new_story(section, series).save_revision().publish()
    deliver_all()
    alerts = admin_client.get("/admin/snippets/alerts/seriesalert/").content.decode()
    assert "The pump station nobody inspected" in alerts
    assert "sent: 2 sent, 0 failed, 0 suppressed, 0 queued" in alerts
    follows = admin_client.get("/admin/snippets/alerts/seriesfollow/?q=one").content.decode()
    assert "one@example.org" in follows
