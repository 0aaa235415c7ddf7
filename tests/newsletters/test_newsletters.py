"""The small newsletter model the wall relies on."""

from __future__ import annotations

from masthead.newsletters.models import Newsletter, NewsletterSubscription
from masthead.newsletters.services import newsletter_default, newsletter_subscribe
from tests.metering.factories import ReaderFactory


def test_the_daily_newsletter_exists_after_migrating(db):
    daily = newsletter_default()
    assert daily is not None and daily.slug == "daily" and daily.is_default
    assert str(daily) == daily.name


def test_subscribe_is_immediate_and_idempotent(db):
    reader = ReaderFactory()
    daily = Newsletter.objects.get(slug="daily")
    first = newsletter_subscribe(user=reader, newsletter=daily)
    again = newsletter_subscribe(user=reader, newsletter=daily)
    assert first.pk == again.pk
    assert again.status == NewsletterSubscription.ACTIVE and again.confirmed_at
    assert NewsletterSubscription.objects.count() == 1


def test_subscribe_reactivates_an_unsubscribed_address(db):
    reader = ReaderFactory(email="Reader@Example.org")
    daily = Newsletter.objects.get(slug="daily")
    NewsletterSubscription.objects.create(
        newsletter=daily, email="reader@example.org", status=NewsletterSubscription.UNSUBSCRIBED
    )
    sub = newsletter_subscribe(user=reader, newsletter=daily)
    assert sub.status == NewsletterSubscription.ACTIVE and sub.user == reader
    assert NewsletterSubscription.objects.count() == 1


def test_newsletters_are_snippets_in_the_admin(admin_client, db):
    response = admin_client.get("/admin/snippets/newsletters/newsletter/")
    assert response.status_code == 200
    assert "The Daily Briefing" in response.content.decode()
    response = admin_client.get("/admin/snippets/newsletters/newslettersubscription/?q=someone")
    assert response.status_code == 200


def test_subscriptions_are_in_the_data_export(db):
    from masthead.accounts.services import account_export

    reader = ReaderFactory()
    newsletter_subscribe(user=reader, newsletter=newsletter_default())
    data = account_export(user=reader)
    assert data["newsletter_subscriptions"][0]["newsletter"] == "The Daily Briefing"
    assert "consents" in data and "subscriptions" in data and "stories_read" in data
