"""Every link in every email is built from SITE_URL, whatever Host the request forged.

Django accepts any port on a host listed in ALLOWED_HOSTS (and any listed
host), and allauth builds its links from the request: a forged ``Host``
would send readers to the attacker's port or host. Each flow that emails a
link runs here with a forged Host; every URL in every message (text and
HTML) must start with SITE_URL.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client, override_settings

from tests.accounts.factories import UserFactory, WallReaderFactory
from tests.tasks import run_pending_tasks

SITE = "https://news.example.org"
URL = re.compile(r"https?://[^\s\"'<>]+")
FORGED_HOSTS = ["testserver:6666", "localhost:8443"]
PASSWORDS = {"password1": "a long enough passphrase", "password2": "a long enough passphrase"}


def urls_in_outbox() -> list[str]:
    run_pending_tasks()
    assert mail.outbox, "no email was sent"
    found = []
    for message in mail.outbox:
        parts = [message.body] + [content for content, _ in message.alternatives]
        for part in parts:
            found += [url.rstrip(".,;:)") for url in URL.findall(part)]  # prose around it
    return found


def forged(host: str) -> Client:
    return Client(HTTP_HOST=host)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def assert_all_on_site(urls: list[str]) -> None:
    assert urls
    assert [u for u in urls if not u.startswith(SITE + "/") and u != SITE] == []


@pytest.mark.parametrize("host", FORGED_HOSTS)
def test_password_reset_links(site, host):
    UserFactory(email="known@example.org")
    forged(host).post("/accounts/password/reset/", {"email": "known@example.org"})
    forged(host).post("/accounts/password/reset/", {"email": "nobody@example.org"})
    urls = urls_in_outbox()
    assert any("/accounts/password/reset/key/" in u for u in urls)
    assert_all_on_site(urls)


@pytest.mark.parametrize("host", FORGED_HOSTS)
def test_sign_up_links_new_and_taken(site, host):
    UserFactory(email="taken@example.org")
    forged(host).post("/accounts/signup/", {"email": "new@example.org", **PASSWORDS})
    forged(host).post("/accounts/signup/", {"email": "taken@example.org", **PASSWORDS})
    urls = urls_in_outbox()
    assert any("/accounts/confirm-email/" in u for u in urls)
    assert_all_on_site(urls)


@pytest.mark.parametrize("host", FORGED_HOSTS)
def test_email_change_confirmation_link(site, host):
    client = forged(host)
    client.force_login(UserFactory(email="old@example.org"))
    client.post("/accounts/email/", {"action_add": "", "email": "new@example.org"})
    urls = urls_in_outbox()
    assert any("/accounts/confirm-email/" in u for u in urls)
    assert_all_on_site(urls)


@pytest.mark.parametrize("host", FORGED_HOSTS)
def test_sign_in_link_and_wall_links(section, host):
    from tests.content.factories import publish_story

    story = publish_story(section, title="A story", paragraphs=["One.", "Two."])
    WallReaderFactory(email="wall@example.org")
    UserFactory(email="member@example.org")
    client = forged(host)
    client.post("/account/sign-in-link/", {"email": "member@example.org"})
    for email in ("fresh@example.org", "member@example.org"):
        client.post("/wall/", {"email": email, "agree": "1", "story": story.pk})
    client.post("/welcome/resend/", {"email": "wall@example.org"})
    urls = urls_in_outbox()
    assert any("/welcome/" in u for u in urls) and any("/sign-in-link/" in u for u in urls)
    assert_all_on_site(urls)


@override_settings(ALLOWED_HOSTS=["testserver", "news.example.org", "www.news.example.org"])
def test_another_allowed_host_does_not_leak_into_links(site):
    UserFactory(email="known@example.org")
    forged("www.news.example.org:81").post(
        "/accounts/password/reset/", {"email": "known@example.org"}
    )
    assert_all_on_site(urls_in_outbox())
