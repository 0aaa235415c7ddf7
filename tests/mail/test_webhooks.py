"""Provider webhooks (django-anymail) turn hard bounces and complaints into
suppressions. The payloads are the providers' own samples from their docs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from masthead.mail.models import Suppression
from masthead.mail.suppression import address_is_suppressed

pytestmark = pytest.mark.django_db

SECRET = "hook-user:hook-password-3f9a"
SIGNING_KEY = "key-mailgun-signing-test"


@pytest.fixture(autouse=True)
def providers(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    settings.MAIL_WEBHOOK_PROVIDERS = ["postmark", "mailgun"]


def auth(secret=SECRET) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


# Postmark's sample bounce webhook (postmarkapp.com/developer/webhooks/bounce-webhook).
POSTMARK_HARD_BOUNCE = {
    "RecordType": "Bounce",
    "MessageStream": "outbound",
    "ID": 4323372036854775807,
    "Type": "HardBounce",
    "TypeCode": 1,
    "Name": "Hard bounce",
    "Tag": "Test",
    "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
    "Metadata": {"a_key": "a_value", "b_key": "b_value"},
    "ServerID": 23,
    "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
    "Details": "Test bounce details",
    "Email": "john@example.com",
    "From": "sender@example.com",
    "BouncedAt": "2019-11-05T16:33:54.9070259Z",
    "DumpAvailable": True,
    "Inactive": True,
    "CanActivate": True,
    "Subject": "Test subject",
    "Content": "<Full dump of bounce>",
}

# Postmark's sample spam complaint webhook (postmarkapp.com/developer/webhooks/spam-complaint-webhook).
POSTMARK_SPAM_COMPLAINT = {
    "RecordType": "SpamComplaint",
    "MessageStream": "outbound",
    "ID": 42,
    "Type": "SpamComplaint",
    "TypeCode": 512,
    "Name": "Spam complaint",
    "Tag": "Test",
    "MessageID": "00000000-0000-0000-0000-000000000000",
    "Metadata": {"a_key": "a_value", "b_key": "b_value"},
    "ServerID": 1234,
    "Description": "",
    "Details": "Test spam complaint details",
    "Email": "john@example.com",
    "From": "sender@example.com",
    "BouncedAt": "2019-11-05T16:33:54.9070259Z",
    "DumpAvailable": True,
    "Inactive": True,
    "CanActivate": False,
    "Subject": "Test subject",
    "Content": "<Abuse report dump>",
}


def mailgun_event(event_data: dict, key: str = SIGNING_KEY) -> dict:
    timestamp, token = "1529006854", "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": event_data,
    }


# Mailgun's sample "permanent failure" webhook (documentation.mailgun.com, Webhooks).
MAILGUN_PERMANENT_FAILURE = {
    "event": "failed",
    "id": "G9Bn5sl1TC6nu79C8C0bwg",
    "timestamp": 1529701969.818328,
    "log-level": "error",
    "severity": "permanent",
    "reason": "suppress-bounce",
    "recipient": "alice@example.com",
    "recipient-domain": "example.com",
    "delivery-status": {
        "attempt-no": 1,
        "message": "",
        "code": 605,
        "description": "Not delivering to previously bounced address",
        "session-seconds": 0.0,
    },
    "message": {
        "headers": {
            "to": "Alice <alice@example.com>",
            "message-id": "20130503182626.18666.16540@sandboxexample.mailgun.org",
            "from": "Bob <bob@sandboxexample.mailgun.org>",
            "subject": "Test permanent_fail webhook",
        },
        "attachments": [],
        "size": 111,
    },
    "envelope": {
        "sender": "bob@sandboxexample.mailgun.org",
        "transport": "smtp",
        "targets": "alice@example.com",
    },
    "flags": {
        "is-routed": False,
        "is-authenticated": True,
        "is-system-test": False,
        "is-test-mode": False,
    },
    "tags": ["my_tag_1", "my_tag_2"],
    "user-variables": {"my_var_1": "Mailgun Variable #1", "my-var-2": "awesome"},
}

MAILGUN_TEMPORARY_FAILURE = {
    **MAILGUN_PERMANENT_FAILURE,
    "severity": "temporary",
    "reason": "generic",
    "log-level": "warn",
    "delivery-status": {"attempt-no": 1, "code": 452, "message": "Mailbox full", "description": ""},
}

MAILGUN_COMPLAINT = {
    "event": "complained",
    "id": "-Agny091SquKnsrW2NEKUA",
    "timestamp": 1529701969.818328,
    "log-level": "warn",
    "recipient": "alice@example.com",
    "message": {"headers": {"message-id": "20130503182626.18666.16540@example.com"}},
    "tags": [],
    "user-variables": {},
}


def post_json(client, path, payload, **extra):
    return client.post(path, json.dumps(payload), content_type="application/json", **extra)


POSTMARK = "/mail/webhooks/postmark/tracking/"
MAILGUN = "/mail/webhooks/mailgun/tracking/"


def test_postmark_hard_bounce_suppresses_the_address(client):
    response = post_json(client, POSTMARK, POSTMARK_HARD_BOUNCE, **auth())
    assert response.status_code == 200
    suppression = Suppression.objects.get()
    assert (suppression.address, suppression.reason) == ("john@example.com", "bounced")


def test_postmark_spam_complaint_suppresses_the_address(client):
    assert post_json(client, POSTMARK, POSTMARK_SPAM_COMPLAINT, **auth()).status_code == 200
    assert Suppression.objects.get().reason == "complained"


def test_postmark_soft_bounce_suppresses_nothing(client):
    soft = {**POSTMARK_HARD_BOUNCE, "Type": "SoftBounce", "TypeCode": 4096, "Name": "Soft bounce"}
    assert post_json(client, POSTMARK, soft, **auth()).status_code == 200
    assert not address_is_suppressed("john@example.com")


def test_postmark_without_the_secret_is_refused(client):
    assert post_json(client, POSTMARK, POSTMARK_HARD_BOUNCE).status_code == 400
    assert post_json(client, POSTMARK, POSTMARK_HARD_BOUNCE, **auth("x:y")).status_code == 400
    assert not Suppression.objects.exists()


def test_mailgun_permanent_failure_suppresses_the_address(client):
    response = post_json(client, MAILGUN, mailgun_event(MAILGUN_PERMANENT_FAILURE), **auth())
    assert response.status_code == 200
    assert Suppression.objects.get().address == "alice@example.com"


def test_mailgun_complaint_suppresses_the_address(client):
    assert post_json(client, MAILGUN, mailgun_event(MAILGUN_COMPLAINT), **auth()).status_code == 200
    assert Suppression.objects.get().reason == "complained"


def test_mailgun_temporary_failure_suppresses_nothing(client):
    response = post_json(client, MAILGUN, mailgun_event(MAILGUN_TEMPORARY_FAILURE), **auth())
    assert response.status_code == 200
    assert not Suppression.objects.exists()


def test_mailgun_with_a_forged_signature_is_refused(client):
    forged = mailgun_event(MAILGUN_PERMANENT_FAILURE, key="not-the-key")
    assert post_json(client, MAILGUN, forged, **auth()).status_code == 400
    assert not Suppression.objects.exists()


def test_an_unconfigured_provider_is_not_found(client, settings):
    assert post_json(client, "/mail/webhooks/sendgrid/tracking/", [], **auth()).status_code == 404
    settings.ANYMAIL = {}
    assert post_json(client, POSTMARK, POSTMARK_HARD_BOUNCE, **auth()).status_code == 404


def test_malformed_payloads_are_client_errors(client):
    response = client.post(POSTMARK, "{not json", content_type="application/json", **auth())
    assert response.status_code == 400
    assert post_json(client, MAILGUN, {"event-data": {}}, **auth()).status_code == 400
