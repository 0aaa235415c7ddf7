"""The newsroom dashboard: staff only, and each chart's data as the chart draws it."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from masthead.analytics.ingest import view_record
from masthead.analytics.models import STORY
from masthead.metering.models import Consent, Entitlement
from masthead.newsletters.models import Newsletter, NewsletterSubscription
from tests.analytics.counts import BROWSER_UA, drain
from tests.content.factories import SectionPageFactory, publish_story


def test_dashboard_is_for_staff_only(client, admin_client, home):
    assert client.get("/admin/newsroom/").status_code == 302  # to the admin login
    assert client.get("/admin/newsroom/data/reads-per-day/").status_code == 302
    page = admin_client.get("/admin/newsroom/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "masthead/vendor/chartjs/chart.umd.min.js" in html
    assert 'data-chart-src="/admin/newsroom/data/top-stories/"' in html
    assert admin_client.get("/admin/newsroom/data/nope/").status_code == 404


def test_reads_charts(admin_client, home, section):
    sport = SectionPageFactory(parent=home, title="Sport", slug="sport")
    story = publish_story(section, title="Harbour <b>reopens</b>")
    match = publish_story(sport, title="Cup final")
    now = timezone.now()
    for n in range(3):
        view_record(reader=f"r{n}", kind=STORY, object_id=story.pk, user_agent=BROWSER_UA,
                    now=now.timestamp())  # fmt: skip
    view_record(reader="r9", kind=STORY, object_id=match.pk, user_agent=BROWSER_UA,
                now=(now - timedelta(days=1)).timestamp())  # fmt: skip
    drain()
    per_day = admin_client.get("/admin/newsroom/data/reads-per-day/").json()
    assert per_day["type"] == "line"
    assert len(per_day["labels"]) == 30
    assert per_day["labels"][-1] == timezone.localdate(now).isoformat()
    assert sum(per_day["datasets"][0]["data"]) == 4
    top = admin_client.get("/admin/newsroom/data/top-stories/").json()
    assert top["labels"] == ["Harbour <b>reopens</b>", "Cup final"]
    assert top["datasets"][0]["data"] == [3, 1]
    sections = admin_client.get("/admin/newsroom/data/reads-per-section/").json()
    assert dict(zip(sections["labels"], sections["datasets"][0]["data"], strict=True)) == {
        "World": 3,
        "Sport": 1,
    }


def test_signups_trials_and_newsletter_charts(admin_client, home, django_user_model):
    now = timezone.now()
    reader = django_user_model.objects.create_user("reader", "reader@example.org", "pw-1-long")
    Consent.objects.create(user=reader, terms_version="1", source=Consent.WALL, agreed_at=now)
    Entitlement.objects.create(
        user=reader, kind=Entitlement.TRIAL, starts_at=now, ends_at=now + timedelta(weeks=6)
    )
    daily = Newsletter.objects.first()
    NewsletterSubscription.objects.create(
        newsletter=daily, user=reader, email="reader@example.org",
        status=NewsletterSubscription.ACTIVE, confirmed_at=now,
    )  # fmt: skip
    signups = admin_client.get("/admin/newsroom/data/signups/").json()
    assert [d["label"] for d in signups["datasets"]] == ["Wall sign-ups", "Trials started"]
    assert [d["data"][-1] for d in signups["datasets"]] == [1, 1]
    letters = admin_client.get("/admin/newsroom/data/newsletters/").json()
    assert letters["datasets"][0]["data"][-1] == 1
