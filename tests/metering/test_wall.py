"""The registration wall as a reader sees it: copy, errors with input kept, success."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone

from masthead.accounts.models import User
from masthead.mail.models import Delivery
from masthead.metering.models import Consent
from tests.metering.factories import ReaderFactory
from tests.metering.helpers import THANKS, text

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def post_wall(client, story, *, js=False, **data):
    payload = {"next": story.url, "story": story.pk, **data}
    headers = {"HTTP_ACCEPT": "application/json"} if js else {}
    return client.post("/wall/", payload, **headers)


def test_wall_copy_with_site_name_trial_length_and_links(client, walled_story, site_settings, home):
    from masthead.content.models import StandardPage

    terms = home.add_child(instance=StandardPage(title="Terms", slug="terms", body="<p>T</p>"))
    privacy = home.add_child(
        instance=StandardPage(title="Privacy", slug="privacy", body="<p>P</p>")
    )
    site_settings.site_name = "The Harbour Gazette"
    site_settings.trial_weeks = 8
    site_settings.terms_page = terms
    site_settings.privacy_page = privacy
    site_settings.save()
    response = client.get(walled_story.url)
    words = text(response)
    for line in [
        "To keep reading, please enter your email address.",
        "You'll also receive from The Harbour Gazette:",
        "A free 8-week digital subscription",
        "Our daily newsletter in your inbox",
        "I have read and agree to the Terms of Service and Privacy Policy.",
    ]:
        assert line in words
    page = response.content.decode()
    assert f'<a href="{terms.url}">Terms of Service</a>' in page
    assert f'<a href="{privacy.url}">Privacy Policy</a>' in page
    assert 'type="email" name="email"' in page
    assert 'type="checkbox" name="agree"' in page
    assert "csrfmiddlewaretoken" not in page  # a shared copy: no token (core/origin.py)
    assert '<button class="button wall__submit" type="submit">' in page


def test_default_copy_is_six_weeks(client, walled_story):
    assert "A free 6-week digital subscription" in text(client.get(walled_story.url))


@pytest.mark.parametrize("js", [False, True])
@pytest.mark.parametrize(
    "email",
    [
        "",
        "not-an-address",
        "reader@localhost",
        "reader@example",
        "a b@example.org",
        "reader@exa mple.org",
        "reader@example..org",
        "x" * 300 + "@example.org",
        "reader@example.invalid",
        "<script>@example.org",
    ],
)
def test_invalid_email_is_refused_in_the_page_with_input_kept(client, walled_story, js, email):
    response = post_wall(client, walled_story, js=js, email=email, agree="1")
    assert response.status_code == 400
    words = text(response)
    assert "Please enter a valid email address" in words
    assert "Please indicate agreement." not in words
    body = response.json()["html"] if js else response.content.decode()
    if email:
        from django.utils.html import escape

        assert f'value="{escape(email)}"' in body
    assert 'name="agree" value="1" required checked' in body
    assert not User.objects.exists()


@pytest.mark.parametrize("js", [False, True])
def test_agreement_is_required_and_input_kept(client, walled_story, js):
    response = post_wall(client, walled_story, js=js, email="reader@example.org")
    assert response.status_code == 400
    words = text(response)
    assert "Please indicate agreement." in words
    assert "Please enter a valid email address" not in words
    body = response.json()["html"] if js else response.content.decode()
    assert 'value="reader@example.org"' in body
    assert not User.objects.exists()


def test_both_errors_at_once(client, walled_story):
    words = text(post_wall(client, walled_story, email="nope"))
    assert "Please enter a valid email address" in words
    assert "Please indicate agreement." in words


def test_no_javascript_error_page_is_the_walled_story(client, walled_story):
    response = post_wall(client, walled_story, email="nope", agree="1")
    page = response.content.decode()
    assert walled_story.title in page
    assert "Story 1 paragraph 1." in page
    assert "paragraph 4" not in page


def test_success_without_javascript_redirects_to_thanks(client, walled_story):
    response = post_wall(client, walled_story, email="New.Reader@Example.ORG", agree="1")
    assert response.status_code == 302
    page = client.get(response["Location"])
    words = text(page)
    assert "Thank you." in words
    assert THANKS in words
    assert walled_story.title in words
    user = User.objects.get()
    assert user.email == "New.Reader@example.org"
    assert Delivery.objects.filter(to=user.email, template="metering/activation").count() == 1
    consent = Consent.objects.get(user=user)
    assert consent.source == "wall" and consent.terms_version == "2026-01"
    assert consent.ip == "127.0.0.1"


def test_success_with_javascript_answers_a_fragment(client, walled_story):
    response = post_wall(client, walled_story, js=True, email="reader@example.org", agree="1")
    assert response.status_code == 200
    answer = response.json()
    assert answer["ok"] is True
    assert "Thank you." in text(response) and THANKS in text(response)
    assert answer["html"].lstrip().startswith('<div class="wall" data-in-place>')
    # In place: the page already has the wall's stylesheet and script.
    assert "<link" not in answer["html"] and "<script" not in answer["html"]


def test_internationalised_domain_is_accepted_once(client, walled_story):
    post_wall(client, walled_story, email="leser@bücher.de", agree="1")
    post_wall(client, walled_story, email="leser@xn--bcher-kva.de", agree="1")
    assert list(User.objects.values_list("email", flat=True)) == ["leser@bücher.de"]
    assert Delivery.objects.filter(template="metering/activation").count() == 1


def test_repeated_signups_send_one_activation_email(client, walled_story):
    for _ in range(3):
        post_wall(client, walled_story, email="reader@example.org", agree="1")
    post_wall(client, walled_story, email="READER@example.org", agree="1")
    assert User.objects.count() == 1
    assert Delivery.objects.filter(template="metering/activation").count() == 1
    assert Consent.objects.count() == 4


def _normalised(response) -> str:
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return body


def test_same_answer_whether_or_not_the_address_has_an_account(client, walled_story):
    existing = ReaderFactory(email="known@example.org")
    answers = {}
    for email in ["known@example.org", "unknown@example.org"]:
        response = post_wall(client, walled_story, email=email, agree="1")
        answers[email] = (response.status_code, response["Location"])
        followed = client.get(response["Location"])
        answers[email] += (followed.status_code, _normalised(followed))
        js = post_wall(client, walled_story, js=True, email=email, agree="1")
        answers[email] += (js.status_code, re.sub(r'value="[^"]{20,}"', "", js.json()["html"]))
    assert answers["known@example.org"] == answers["unknown@example.org"]
    # but the emails differ: a sign-in link for the account, set-up for the new address
    assert Delivery.objects.filter(to=existing.email, template="accounts/signin_link").exists()
    assert not Delivery.objects.filter(to=existing.email, template="metering/activation").exists()
    assert Delivery.objects.filter(
        to="unknown@example.org", template="metering/activation"
    ).exists()


def test_next_url_must_stay_on_the_site(client, walled_story):
    response = post_wall(
        client, walled_story, email="reader@example.org", agree="1", next="https://evil.example/"
    )
    assert "evil.example" not in response["Location"]
    delivery = Delivery.objects.get()
    assert "evil" not in str(delivery.context)


@override_settings(RATELIMIT_WALL_IP="3/m")
def test_per_ip_rate_limit_says_so_in_the_page_and_keeps_input(client, walled_story):
    # The limit's window is a fixed minute: start at the top of one, so the four
    # posts cannot straddle two windows (they did once, on a slow run).
    top_of_next_minute = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(top_of_next_minute, tick=True):
        posts_over_the_limit_are_refused(client, walled_story)


def posts_over_the_limit_are_refused(client, walled_story) -> None:
    for n in range(3):
        assert (
            post_wall(client, walled_story, email=f"r{n}@example.org", agree="1").status_code == 302
        )
    response = post_wall(client, walled_story, email="r9@example.org", agree="1")
    assert response.status_code == 429
    words = text(response)
    assert (
        "Too many attempts from your connection. Please wait a few minutes and try again." in words
    )
    assert 'value="r9@example.org"' in response.content.decode()
    assert not User.objects.filter(email="r9@example.org").exists()


@override_settings(RATELIMIT_WALL_EMAIL="2/h")
def test_per_address_rate_limit(client, walled_story):
    for _ in range(2):
        post_wall(client, walled_story, email="reader@example.org", agree="1")
    response = post_wall(client, walled_story, js=True, email="Reader@example.org", agree="1")
    assert response.status_code == 429
    assert "We have already sent several emails to this address." in text(response)


def test_wall_page_on_its_own(client, stories):
    response = client.get(f"/wall/?story={stories[0].pk}&next={stories[0].url}")
    assert response.status_code == 200
    assert stories[0].title in text(response)
    assert "To keep reading, please enter your email address." in text(response)
    refused = client.get("/wall/?story=nonsense&next=//evil.example")
    assert refused.status_code == 400  # no story can have that id; the form still shows
    assert "To keep reading, please enter your email address." in text(refused)


@pytest.mark.parametrize(
    "headers",
    [
        {},  # neither Sec-Fetch-Site nor Origin nor Referer, and no token
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},  # another subdomain is not this site
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://evil.example/page"},
    ],
)
def test_a_post_from_another_site_signs_nobody_up(walled_story, headers):
    """Cross-site: no account, no email; the form comes back, with what the reader
    typed, a notice and a CSRF token, so sending it again from here works."""
    strict = Client(enforce_csrf_checks=True)
    data = {"email": "reader@example.org", "agree": "1", "story": walled_story.pk}
    response = strict.post("/wall/", data, **headers)
    assert response.status_code == 403
    assert not User.objects.exists()
    assert not Delivery.objects.exists()
    words = text(response)
    assert "Please check your address and press Continue again." in words
    assert 'value="reader@example.org"' in response.content.decode()
    assert TOKEN.search(response.content.decode())

    again = dict(data, csrfmiddlewaretoken=TOKEN.search(response.content.decode())[1])
    resent = strict.post("/wall/", again)  # the no-JavaScript resubmission, with the token
    assert resent.status_code == 302
    assert User.objects.filter(email="reader@example.org").count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin"},  # what every current browser sends
        {"HTTP_ORIGIN": "http://testserver"},  # a browser without Fetch Metadata
        {"HTTP_REFERER": "http://testserver/story/"},  # and without Origin
    ],
)
def test_a_post_from_the_sites_own_page_needs_no_token(walled_story, headers):
    strict = Client(enforce_csrf_checks=True)
    data = {"email": "reader@example.org", "agree": "1", "story": walled_story.pk}
    response = strict.post("/wall/", data, **headers)
    assert response.status_code == 302
    assert User.objects.filter(email="reader@example.org").count() == 1


def test_a_bad_token_without_a_same_origin_sign_is_refused(walled_story):
    strict = Client(enforce_csrf_checks=True)
    strict.cookies["csrftoken"] = "c" * 32  # "b" * 64 unmasks to "a" * 32, not this
    data = {"email": "reader@example.org", "agree": "1", "csrfmiddlewaretoken": "b" * 64}
    assert strict.post("/wall/", data).status_code == 403
    assert not User.objects.exists()


def test_signed_in_metered_reader_sees_no_email_form(client, stories, site_settings):
    site_settings.registered_allowance = 0
    site_settings.save()
    client.force_login(ReaderFactory())
    words = text(client.get(stories[0].url))
    assert "You have read all your free stories for now." in words
    assert "please enter your email address" not in words
