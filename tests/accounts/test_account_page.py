"""The account page, downloading one's data, and deleting the account."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from masthead.accounts.models import User
from masthead.accounts.services import signin_link_send
from masthead.mail.models import Delivery
from masthead.metering.models import Entitlement
from masthead.newsletters.models import Newsletter, NewsletterSubscription
from tests.accounts.factories import PASSWORD, UserFactory, WallReaderFactory


@pytest.fixture
def reader(db):
    return UserFactory(email="pat@example.org")


@pytest.fixture
def signed_in(client, reader):
    client.force_login(reader)
    return client


def test_anonymous_readers_are_sent_to_sign_in(client, site):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/account/")


def test_account_page_without_subscription(signed_in, site):
    body = signed_in.get("/account/").content.decode()
    assert "pat@example.org" in body
    assert "You have no subscription. You can read 5 free stories every 30 days." in body
    # every newsletter is listed with a switch; this reader takes none
    assert "The Daily Briefing" in body and "Not subscribed" in body
    assert "You receive it" not in body
    assert "Download your data" in body and "Delete your account" in body


def test_account_page_shows_an_active_trial_and_its_end(signed_in, site, reader):
    ends = timezone.now() + timedelta(weeks=6)
    Entitlement.objects.create(
        user=reader, kind=Entitlement.TRIAL, starts_at=timezone.now(), ends_at=ends
    )
    body = signed_in.get("/account/").content.decode()
    assert "Free digital subscription (trial)" in body
    assert "<strong>active</strong> until" in body
    assert ends.strftime("%B %-d, %Y") in body


def test_account_page_says_when_the_trial_ended(signed_in, site, reader):
    ended = timezone.now() - timedelta(days=2)
    Entitlement.objects.create(
        user=reader, kind=Entitlement.TRIAL, starts_at=ended - timedelta(weeks=6), ends_at=ended
    )
    body = signed_in.get("/account/").content.decode()
    assert "Your free trial ended on" in body and ended.strftime("%B %-d, %Y") in body


def test_account_page_lists_newsletters(signed_in, site, reader):
    daily = Newsletter.objects.create(slug="the-daily-x", name="The Daily X")
    NewsletterSubscription.objects.create(
        newsletter=daily, user=reader, email=reader.email, status="active"
    )
    body = signed_in.get("/account/").content.decode()
    assert "The Daily X" in body


def test_export_downloads_everything_as_json(signed_in, site, reader):
    signin_link_send(user=reader)
    Entitlement.objects.create(
        user=reader,
        kind=Entitlement.TRIAL,
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(weeks=6),
    )
    response = signed_in.get("/account/export/")
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == "pat@example.org"
    assert data["account"]["has_password"] is True
    assert data["email_addresses"] == [
        {"email": "pat@example.org", "verified": True, "primary": True}
    ]
    assert data["emails_sent"][0]["template"] == "accounts/signin_link"
    assert "password" not in json.dumps(data["account"]).replace("has_password", "")


def test_export_collects_what_other_apps_register(signed_in, site):
    from masthead.accounts import export

    @export.exporter("test_contribution")
    def contribution(user):
        return {"seen": user.email}

    try:
        data = json.loads(signed_in.get("/account/export/").content)
    finally:
        export.EXPORTERS.pop("test_contribution")
    assert data["test_contribution"] == {"seen": "pat@example.org"}


def test_deletion_asks_again_then_erases_and_signs_out(signed_in, site, reader):
    from masthead.mail.models import BulkDelivery, BulkSend

    signin_link_send(user=reader)
    edition = BulkSend.objects.create(key="edition-1", template="mail/notice", source="test")
    BulkDelivery.objects.create(send=edition, ref=reader.pk, to="Pat@example.org")
    BulkDelivery.objects.create(send=edition, ref=reader.pk + 1, to="someone@example.org")
    page = signed_in.get("/account/delete/").content.decode()
    assert "This cannot be undone." in page and "Type your email address to confirm" in page

    wrong = signed_in.post("/account/delete/", {"email": "other@example.org", "password": PASSWORD})
    assert "That is not the email address of this account." in wrong.content.decode()
    assert 'value="other@example.org"' in wrong.content.decode()
    no_password = signed_in.post("/account/delete/", {"email": "pat@example.org"})
    assert "Please enter your password." in no_password.content.decode()
    bad_password = signed_in.post(
        "/account/delete/", {"email": "pat@example.org", "password": "nope"}
    )
    assert "That password is not right." in bad_password.content.decode()
    assert User.objects.filter(pk=reader.pk).exists()

    done = signed_in.post(
        "/account/delete/", {"email": "PAT@example.org", "password": PASSWORD}, follow=True
    )
    assert "Your account and the personal data we kept about you have been deleted" in (
        done.content.decode()
    )
    assert not User.objects.filter(pk=reader.pk).exists()
    assert not EmailAddress.objects.filter(email__iexact="pat@example.org").exists()
    assert not Delivery.objects.filter(to__iexact="pat@example.org").exists()
    # the newsletters sent to them too, and nobody else's
    assert list(BulkDelivery.objects.values_list("to", flat=True)) == ["someone@example.org"]
    assert "_auth_user_id" not in signed_in.session
    assert signed_in.get("/account/").status_code == 302


def test_a_reader_without_password_confirms_with_the_address_alone(client, site):
    reader = WallReaderFactory(email="wall@example.org")
    client.force_login(reader)
    page = client.get("/account/delete/").content.decode()
    assert 'name="password"' not in page
    client.post("/account/delete/", {"email": "wall@example.org"})
    assert not User.objects.filter(pk=reader.pk).exists()


def test_deletion_lets_other_apps_anonymise(signed_in, site, reader):
    from masthead.accounts.signals import account_deleting

    seen = []

    def anonymise(sender, user, **kwargs):
        seen.append(user.email)

    account_deleting.connect(anonymise)
    try:
        signed_in.post("/account/delete/", {"email": reader.email, "password": PASSWORD})
    finally:
        account_deleting.disconnect(anonymise)
    assert seen == ["pat@example.org"]


def test_changing_the_address_takes_effect_when_confirmed(signed_in, site, reader):
    import re

    from django.core import mail

    from tests.tasks import run_pending_tasks

    page = signed_in.get("/accounts/email/").content.decode()
    assert "Your email address" in page and "pat@example.org" in page
    assert '<label class="field__label" for="id_email">New address</label>' in page
    signed_in.post("/accounts/email/", {"email": "new-pat@example.org", "action_add": ""})
    assert "Changing to" in signed_in.get("/accounts/email/").content.decode()
    run_pending_tasks()
    [message] = mail.outbox
    assert message.to == ["new-pat@example.org"]
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body)[1]
    signed_in.post(link)
    reader.refresh_from_db()
    assert reader.email == "new-pat@example.org"
    assert "new-pat@example.org" in signed_in.get("/account/").content.decode()


def test_changing_to_a_taken_address_is_not_revealed(signed_in, site):
    UserFactory(email="taken@example.org")
    response = signed_in.post(
        "/accounts/email/", {"email": "taken@example.org", "action_add": ""}, follow=True
    )
    assert response.status_code == 200
    assert "already" not in response.content.decode().lower()
