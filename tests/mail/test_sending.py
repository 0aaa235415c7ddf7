"""The sending engine: deliveries are data first, sent once, retried when transient."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail import BadHeaderError, EmailMessage
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from masthead.mail.models import Delivery
from masthead.mail.services import (
    EmailError,
    deliveries_sweep,
    delivery_send,
    email_enqueue,
)
from tests.tasks import run_pending_tasks

pytestmark = pytest.mark.django_db

CONTEXT = {
    "signin_url": "http://testserver/account/sign-in-link/x/",
    "email": "a@example.org",
    "valid_minutes": 60,
}


def enqueue(key="k1", to="reader@example.org"):
    return email_enqueue(key=key, to=to, template="accounts/signin_link", context=CONTEXT)


def test_enqueue_writes_a_delivery_and_its_task_in_one_go():
    delivery = enqueue()
    assert delivery.status == Delivery.Status.QUEUED
    assert delivery.message_id.startswith("<") and delivery.message_id.endswith(">")
    assert DBTaskResult.objects.count() == 1
    assert mail.outbox == []  # nothing leaves before a worker runs


def test_same_key_twice_sends_one_email():
    first = enqueue()
    second = enqueue()
    assert first.pk == second.pk
    assert DBTaskResult.objects.count() == 1
    run_pending_tasks()
    assert len(mail.outbox) == 1


def test_task_renders_the_triad_as_multipart_with_stable_message_id():
    delivery = enqueue()
    run_pending_tasks()
    message = mail.outbox[0]
    assert message.subject == "Your sign-in link for The Masthead Courier"
    assert message.to == ["reader@example.org"]
    assert "The Masthead Courier" in message.from_email
    assert CONTEXT["signin_url"] in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and CONTEXT["signin_url"] in html
    assert message.extra_headers["Message-ID"] == delivery.message_id
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1 and delivery.sent_at is not None
    assert delivery.subject == message.subject


def test_running_the_task_twice_never_sends_twice():
    delivery = enqueue()
    assert delivery_send(delivery_id=delivery.pk) == "sent"
    assert delivery_send(delivery_id=delivery.pk) == "sent"
    run_pending_tasks()
    assert len(mail.outbox) == 1


def test_a_claimed_delivery_is_left_to_its_worker_until_the_claim_is_stale():
    delivery = enqueue()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENDING, claimed_at=timezone.now()
    )
    assert delivery_send(delivery_id=delivery.pk) == "busy"
    assert mail.outbox == []
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert deliveries_sweep() == 1
        run_pending_tasks()
    assert len(mail.outbox) == 1


def test_transient_smtp_failure_is_retried_then_sent(smtp_backend):
    smtp_backend.fail_next(1)
    delivery = enqueue()
    run_pending_tasks()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.QUEUED
    assert delivery.attempts == 1
    assert "451" in delivery.last_error
    assert smtp_backend.messages == []
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        run_pending_tasks()
    [message] = smtp_backend.wait_for(1)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 2
    assert message["Message-ID"] == delivery.message_id
    assert message["To"] == "reader@example.org"
    assert message.get_body(("plain",)).get_content().count(CONTEXT["signin_url"]) == 1
    assert CONTEXT["signin_url"] in message.get_body(("html",)).get_content()


def test_permanent_refusal_fails_without_retry(smtp_backend):
    smtp_backend.fail_next(1, "550 5.1.1 No such user")
    delivery = enqueue()
    run_pending_tasks()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == 1
    assert "550" in delivery.last_error
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert run_pending_tasks() == 0


def test_attempts_are_bounded(smtp_backend):
    smtp_backend.fail_next(10)
    delivery = enqueue()
    now = timezone.now()
    for minutes in (0, 1, 3, 12, 45, 200):
        with time_machine.travel(now + timedelta(minutes=minutes)):
            run_pending_tasks()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 5
    assert smtp_backend.messages == []


def test_server_down_is_transient(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    delivery = enqueue()
    run_pending_tasks()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.QUEUED
    assert delivery.next_attempt_at > timezone.now()


def test_enqueue_rolls_back_with_the_callers_transaction():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue()
        raise RuntimeError("the sign-up failed")
    assert Delivery.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


LINE_BREAKS = "An email address may not contain line breaks or commas."


@pytest.mark.parametrize(
    ("to", "refusal"),
    [
        ("victim@example.org\nBcc: all@example.org", LINE_BREAKS),
        ("victim@example.org\rBcc: all@example.org", LINE_BREAKS),
        ("a@example.org, b@example.org", LINE_BREAKS),
        # Django's validator takes a quoted comma; a To header split there would not.
        ('"victim,all"@example.org', LINE_BREAKS),
        ("not-an-address", "Not a valid email address: 'not-an-address'"),
        (None, "Not a valid email address: ''"),
    ],
)
def test_recipient_cannot_inject_headers(to, refusal):
    with pytest.raises(EmailError, match=f"^{re.escape(refusal)}$"):
        enqueue(to=to)
    assert Delivery.objects.count() == 0


@pytest.mark.parametrize(
    ("headers", "refusal"),
    [
        ({"X-Tag": "a\r\nBcc: x@example.org"}, "Header X-Tag may not contain line breaks."),
        ({"X-Tag": "a\nBcc: x@example.org"}, "Header X-Tag may not contain line breaks."),
        ({"X-Tag": "a\rBcc: x@example.org"}, "Header X-Tag may not contain line breaks."),
        ({"Bcc": "x@example.org"}, "Header name not allowed: 'Bcc'"),
        ({"Bad Name": "v"}, "Header name not allowed: 'Bad Name'"),
    ],
)
def test_extra_headers_are_validated(headers, refusal):
    with pytest.raises(EmailError, match=f"^{re.escape(refusal)}$"):
        email_enqueue(
            key="h",
            to="a@example.org",
            template="accounts/signin_link",
            context={},
            headers=headers,
        )


def test_django_itself_refuses_newlines_in_headers():
    message = EmailMessage(subject="Hi\nBcc: x@example.org", body="b", to=["a@example.org"])
    with pytest.raises(BadHeaderError):
        message.message()


def test_context_must_be_json_and_template_a_name():
    with pytest.raises(EmailError, match="The email context must be JSON-serialisable: "):
        email_enqueue(key="c", to="a@example.org", template="x", context={"when": object()})
    with pytest.raises(EmailError, match=re.escape("Not a template name: '../secrets'")):
        email_enqueue(key="t", to="a@example.org", template="../secrets", context={})


@pytest.mark.parametrize("key", ["", "k" * 201])
def test_a_key_is_required_and_holds_at_most_200_characters(key):
    refusal = "A delivery key is required and holds at most 200 characters."
    with pytest.raises(EmailError, match=f"^{re.escape(refusal)}$"):
        enqueue(key=key)
    assert Delivery.objects.count() == 0
    assert enqueue(key="k" * 200).key == "k" * 200


def test_extra_headers_go_out_with_the_email(smtp_backend):
    email_enqueue(
        key="h",
        to="reader@example.org",
        template="accounts/signin_link",
        context=CONTEXT,
        headers={"X-Campaign": "spring", "List-Id": "<courier.example.org>"},
    )
    run_pending_tasks()
    [message] = smtp_backend.wait_for(1)
    assert (message["X-Campaign"], message["List-Id"]) == ("spring", "<courier.example.org>")


@pytest.mark.parametrize(
    ("from_email", "site_url", "domain"),
    [
        (
            "The Courier <news@courier.example.org>",
            "https://www.example.org",
            "courier.example.org",
        ),
        ("", "https://www.example.org", "www.example.org"),
        ("The Courier", "https://www.example.org", "www.example.org"),  # a name, no address
        ("", "", "localhost"),
    ],
)
def test_the_message_id_is_on_the_senders_domain_else_the_sites(
    settings, from_email, site_url, domain
):
    settings.DEFAULT_FROM_EMAIL, settings.SITE_URL = from_email, site_url
    delivery = enqueue()
    assert re.fullmatch(rf"<[0-9a-f]{{32}}@{re.escape(domain)}>", delivery.message_id)


def test_unknown_template_fails_permanently():
    delivery = email_enqueue(key="m", to="a@example.org", template="nope/missing", context={})
    run_pending_tasks()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert "TemplateDoesNotExist" in delivery.last_error


def test_with_a_queue_outside_the_database_the_task_waits_for_the_commit(
    settings, django_capture_on_commit_callbacks
):
    from masthead.mail.tasks import send_delivery

    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "email"],
        }
    }
    queue = send_delivery.get_backend()
    with django_capture_on_commit_callbacks(execute=True):
        delivery = enqueue()
        assert queue.results == []  # a worker must not look for a row not yet committed
    [task] = queue.results
    assert task.args == [delivery.pk]


def test_every_email_says_which_site_sent_it(settings):
    settings.SITE_URL = "https://courier.example.org"
    enqueue()
    run_pending_tasks()
    [message] = mail.outbox
    footer = (
        "You are receiving this email from The Masthead Courier at https://courier.example.org."
    )
    assert footer in message.body
