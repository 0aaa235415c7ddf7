"""Editions: composed on time from the day's stories, curated, sent once, readable on the web."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.utils import timezone

from masthead.newsletters.editions import editions_compose_due
from masthead.newsletters.models import Edition, EditionItem, NewsletterSubscription
from masthead.newsletters.scheduling import editions_due
from masthead.newsletters.sending import edition_send_start
from tests.content.factories import ImageFactory, publish_story
from tests.newsletters.conftest import SENDS
from tests.tasks import run_pending_tasks

TZ = dt.UTC


def at(day: str, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=TZ)


@pytest.fixture
def day_of_news(section, settings):
    """Stories first published around the 2026-03-10 06:00 composition (site time UTC)."""
    settings.TIME_ZONE = "UTC"
    return {
        "too_old": publish_story(section, title="Older news", published=at("2026-03-09", 5)),
        "early": publish_story(
            section, title="Council votes on the budget", deck="A late-night session.",
            published=at("2026-03-09", 9), lead_image=ImageFactory(), lead_image_alt="The hall",
        ),
        "late": publish_story(section, title="Ferry strike ends", published=at("2026-03-10", 5)),
        "after": publish_story(section, title="Too new", published=at("2026-03-10", 7)),
    }  # fmt: skip


def test_nothing_is_composed_before_the_set_time(day_of_news, daily):
    with time_machine.travel(at("2026-03-10", 5, 59), tick=False):
        assert editions_compose_due() == []
    assert not Edition.objects.exists()


def test_the_daily_is_composed_at_the_set_time_from_the_day_s_stories(day_of_news, daily):
    with time_machine.travel(at("2026-03-10", 6, 0), tick=False):
        composed = editions_compose_due()
    assert [e.newsletter for e in composed] == [daily]
    edition = composed[0]
    assert edition.issue_date == dt.date(2026, 3, 10)
    titles = list(edition.items.order_by("sort_order").values_list("title", flat=True))
    assert titles == ["Ferry strike ends", "Council votes on the budget"]  # newest first
    assert edition.subject == "The Daily Briefing: Ferry strike ends"
    assert edition.status == Edition.SCHEDULED  # goes out at the send time (07:00)
    assert edition.send_at == at("2026-03-10", 7)
    item = edition.items.get(title="Council votes on the budget")
    assert item.summary == "A late-night session."
    assert item.url == "http://testserver" + day_of_news["early"].url
    assert item.image_url.startswith("http://testserver/") and item.image_alt == "The hall"


def test_composing_twice_keeps_the_editors_curation(day_of_news, daily):
    with time_machine.travel(at("2026-03-10", 6, 0), tick=False):
        edition = editions_compose_due()[0]
    edition.items.filter(title="Ferry strike ends").delete()
    edition.intro = "Good morning."
    edition.save()
    with time_machine.travel(at("2026-03-10", 6, 1), tick=False):
        again = editions_compose_due()[0]
    assert again.pk == edition.pk and again.intro == "Good morning."
    assert list(again.items.values_list("title", flat=True)) == ["Council votes on the budget"]
    assert Edition.objects.count() == 1


def test_the_site_time_zone_decides_the_day(section, daily, settings):
    settings.TIME_ZONE = "America/New_York"
    timezone.activate("America/New_York")
    try:
        publish_story(section, title="Evening story", published=at("2026-03-10", 3))
        # 06:00 in New York is 10:00 UTC (EDT starts March 8)
        with time_machine.travel(at("2026-03-10", 9, 59), tick=False):
            assert editions_compose_due() == []
        with time_machine.travel(at("2026-03-10", 10, 0), tick=False):
            assert editions_compose_due()[0].issue_date == dt.date(2026, 3, 10)
    finally:
        timezone.deactivate()


def test_a_weekly_is_composed_on_its_day_from_seven_days(section, letters, settings):
    settings.TIME_ZONE = "UTC"
    publish_story(section, title="Five days ago", published=at("2026-03-04", 12))
    with time_machine.travel(at("2026-03-08", 6, 0), tick=False):  # a Sunday
        assert editions_compose_due() == []  # weeklies wait for Monday
    with time_machine.travel(at("2026-03-09", 6, 0), tick=False):  # Monday: weekly day
        slugs = sorted(e.newsletter.slug for e in editions_compose_due())
    assert slugs == ["city-desk", "climate-watch"]  # nothing new for the daily
    weekly = Edition.objects.get(newsletter__slug="city-desk")
    assert list(weekly.items.values_list("title", flat=True)) == ["Five days ago"]


@pytest.fixture
def edition(daily, section):
    story = publish_story(section, title="Harbour dredging plan costed at last")
    edition = Edition.objects.create(
        newsletter=daily, issue_date=dt.date(2026, 3, 10), subject="The Daily Briefing: harbour"
    )
    EditionItem.objects.create(
        edition=edition, page=story, title=story.title, summary="The estimate, finally.",
        url="http://testserver" + story.url, sort_order=0,
    )  # fmt: skip
    for email, status in [
        ("a@example.org", "active"),
        ("b@example.org", "active"),
        ("pending@example.org", "pending"),
        ("gone@example.org", "unsubscribed"),
    ]:
        NewsletterSubscription.objects.create(newsletter=daily, email=email, status=status)
    return edition


@SENDS
def test_an_edition_reaches_each_confirmed_subscriber_once(edition, smtp_backend):
    edition_send_start(edition=edition)
    run_pending_tasks()  # the fan-out
    run_pending_tasks()  # its batches
    messages = smtp_backend.wait_for(2)
    assert sorted(m["To"] for m in messages) == ["a@example.org", "b@example.org"]
    message = next(m for m in messages if m["To"] == "a@example.org")
    assert message["Subject"] == "The Daily Briefing: harbour"
    sub = NewsletterSubscription.objects.get(email="a@example.org")
    unsubscribe = "".join(str(message["List-Unsubscribe"]).split()).strip("<>")
    assert unsubscribe.startswith("http://testserver/newsletters/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Harbour dredging plan costed at last" in text and unsubscribe in text
    assert "Harbour dredging plan costed at last" in html
    web = f"http://testserver/newsletters/daily/editions/{edition.pk}/"
    assert web in text and web in html
    editions_due()  # the scheduler brings the edition's status up to date
    edition.refresh_from_db()
    assert edition.status == Edition.SENT and edition.sent_at is not None
    # the per-recipient link unsubscribes without signing in
    from django.test import Client

    Client().post("/" + unsubscribe.split("/", 3)[3], {"List-Unsubscribe": "One-Click"})
    sub.refresh_from_db()
    assert sub.status == "unsubscribed"


@SENDS
def test_starting_a_send_twice_sends_nothing_twice(edition, smtp_backend):
    from masthead.mail.models import BulkDelivery, BulkSend
    from masthead.newsletters.sending import SendError

    edition_send_start(edition=edition)
    with pytest.raises(SendError):
        edition_send_start(edition=edition)
    run_pending_tasks()
    run_pending_tasks()
    assert BulkSend.objects.filter(key=f"newsletters:edition:{edition.pk}").count() == 1
    assert BulkDelivery.objects.count() == 2
    assert len(smtp_backend.wait_for(2)) == 2


@SENDS
def test_a_failed_send_is_never_called_sent(edition, smtp_backend):
    from masthead.newsletters.sending import edition_progress

    smtp_backend.fail_next(5, "550 5.1.1 No such mailbox")
    edition_send_start(edition=edition)
    for _ in range(3):
        run_pending_tasks()
    edition.refresh_from_db()
    progress = edition_progress(edition)
    assert progress["failed"] == 2 and progress["sent"] == 0
    edition.refresh_from_db()
    assert edition.status == Edition.FAILED
    assert edition.get_status_display() == "Failed"


def test_a_scheduled_edition_goes_out_when_due(edition):
    edition.status = Edition.SCHEDULED
    edition.send_at = timezone.now() + dt.timedelta(minutes=5)
    edition.save()
    editions_due()
    assert Edition.objects.get(pk=edition.pk).status == Edition.SCHEDULED
    editions_due(now=timezone.now() + dt.timedelta(minutes=6))
    assert Edition.objects.get(pk=edition.pk).status == Edition.SENDING


def test_the_web_version_shows_sent_editions_only(client, edition):
    url = f"/newsletters/daily/editions/{edition.pk}/"
    assert client.get(url).status_code == 404  # a draft may still change
    Edition.objects.filter(pk=edition.pk).update(status=Edition.SENT)
    body = client.get(url).content.decode()
    assert "Harbour dredging plan costed at last" in body and "The estimate, finally." in body
    assert client.get(f"/newsletters/other/editions/{edition.pk}/").status_code == 404
    catalogue = client.get("/newsletters/").content.decode()
    assert f'href="{url}"' in catalogue  # the catalogue's sample is the latest edition


@SENDS
def test_the_edition_desk_previews_tests_and_sends(admin_client, admin_user, edition):
    desk = f"/admin/newsletters/editions/{edition.pk}/"
    page = admin_client.get(desk).content.decode()
    assert "Send now to 2 subscribers" in page and "Send a test to" in page
    html = admin_client.get(desk + "preview.html")
    assert "Harbour dredging plan costed at last" in html.content.decode()
    assert "sandbox" in html["Content-Security-Policy"]
    text = admin_client.get(desk + "preview.text").content.decode()
    assert text.startswith("Subject: The Daily Briefing: harbour")
    admin_client.post(desk, {"action": "test"})
    from masthead.mail.models import BulkSend

    test = BulkSend.objects.get(source="newsletter_test")
    assert test.context["is_test"] is True and test.source_args == {"address": admin_user.email}
    admin_client.post(desk, {"action": "schedule", "send_at": "2026-03-11T07:30"})
    edition.refresh_from_db()
    assert edition.status == Edition.SCHEDULED
    admin_client.post(desk, {"action": "send"})
    edition.refresh_from_db()
    assert edition.status == Edition.SENDING
    run_pending_tasks()
    run_pending_tasks()
    progress = json.loads(admin_client.get(desk + "progress/").content)
    assert progress["total"] == 2 and progress["sent"] == 2 and progress["failed"] == 0
    assert progress["status_label"] == "Sent" and progress["done"] is True


def test_the_desk_is_for_editors_only(client, edition):
    from tests.metering.factories import ReaderFactory

    client.force_login(ReaderFactory())
    assert client.get(f"/admin/newsletters/editions/{edition.pk}/").status_code in (302, 403)


def test_the_subscriber_chart_counts_each_day(admin_client, daily):
    now = timezone.now()
    NewsletterSubscription.objects.create(
        newsletter=daily, email="old@example.org", status="active",
        confirmed_at=now - dt.timedelta(days=10),
    )  # fmt: skip
    NewsletterSubscription.objects.create(
        newsletter=daily, email="left@example.org", status="unsubscribed",
        confirmed_at=now - dt.timedelta(days=10), unsubscribed_at=now - dt.timedelta(days=3),
    )  # fmt: skip
    from masthead.newsletters.services import subscriber_counts

    counts = dict(subscriber_counts(newsletter=daily, days=30))
    today = timezone.localdate()
    assert counts[today - dt.timedelta(days=11)] == 0
    assert counts[today - dt.timedelta(days=5)] == 2
    assert counts[today] == 1
    page = admin_client.get(f"/admin/newsletters/{daily.pk}/chart/").content.decode()
    assert "<svg" in page and "active subscriber" in page
