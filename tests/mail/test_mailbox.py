"""The demo mailbox: captured emails, readable and clickable, only in the demo or DEBUG."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from masthead.mail.models import MailboxMessage
from masthead.mail.services import email_enqueue
from tests.tasks import run_pending_tasks

LINK = "http://testserver/account/sign-in-link/abc/"


@pytest.fixture
def mailbox_backend(settings):
    settings.EMAIL_BACKEND = "masthead.mail.backends.MailboxBackend"


def send(n: int, to: str = "reader@example.org"):
    email_enqueue(
        key=f"mailbox-{n}",
        to=to,
        template="accounts/signin_link",
        context={"signin_url": LINK, "email": to, "valid_minutes": 60},
    )


def test_sent_email_is_captured_with_both_parts(mailbox_backend, site_home):
    send(1)
    run_pending_tasks()
    item = MailboxMessage.objects.get()
    assert item.subject == "Your sign-in link for The Masthead Courier"
    assert item.to == "reader@example.org"
    assert "The Masthead Courier" in item.from_email
    assert LINK in item.text and LINK in item.html
    assert item.message_id.startswith("<")


def test_list_is_newest_first_and_message_links_are_clickable(client, mailbox_backend, site_home):
    send(1, "first@example.org")
    run_pending_tasks()
    send(2, "second@example.org")
    run_pending_tasks()
    listing = client.get("/mailbox/").content.decode()
    assert listing.index("second@example.org") < listing.index("first@example.org")

    item = MailboxMessage.objects.get(to="first@example.org")
    page = client.get(f"/mailbox/{item.pk}/").content.decode()
    assert "Your sign-in link for The Masthead Courier" in page
    assert "first@example.org" in page
    assert f'<a href="{LINK}"' in page  # the text part, links made clickable
    assert f'src="/mailbox/{item.pk}/html/"' in page and "sandbox=" in page

    html = client.get(f"/mailbox/{item.pk}/html/")
    policy = html["Content-Security-Policy"]
    # Nothing in an email may run: no scripts by policy, none by sandbox flag.
    assert policy.startswith("sandbox ")
    assert "script-src 'none'" in policy
    assert "allow-scripts" not in policy and "allow-scripts" not in page
    assert '<base target="_top">' in html.content.decode()
    assert f'href="{LINK}"' in html.content.decode()


def test_mailbox_is_hidden_outside_demo_and_debug(client, settings, site_home):
    item = MailboxMessage.objects.create(subject="Secret", to="a@example.org", html="<p>x</p>")
    settings.MASTHEAD_DEMO = False
    settings.DEBUG = False
    for url in ("/mailbox/", f"/mailbox/{item.pk}/", f"/mailbox/{item.pk}/html/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Secret" not in response.content.decode()
    settings.DEBUG = True
    assert client.get("/mailbox/").status_code == 200


def test_email_html_cannot_script_the_mailbox(client, site_home):
    item = MailboxMessage.objects.create(
        subject="<script>alert(1)</script>", to="a@example.org", text="<b>hi</b>"
    )
    page = client.get(f"/mailbox/{item.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;b&gt;hi&lt;/b&gt;" in page


def _email_backend_for(env: dict) -> str:
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND)"
    clean = {k: v for k, v in os.environ.items() if k not in {"EMAIL_URL", "DATABASE_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "masthead.settings.demo", **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip().splitlines()[-1]


def test_demo_without_email_url_uses_the_mailbox(tmp_path):
    assert _email_backend_for({"MASTHEAD_DATA_DIR": str(tmp_path)}) == (
        "masthead.mail.backends.MailboxBackend"
    )
    assert _email_backend_for(
        {"MASTHEAD_DATA_DIR": str(tmp_path), "EMAIL_URL": "smtp://127.0.0.1:2525"}
    ) == ("django.core.mail.backends.smtp.EmailBackend")
