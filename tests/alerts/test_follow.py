"""Following a series: the box, double opt-in, the copy, stopping by link, the account page."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from masthead.alerts.models import SeriesFollow
from masthead.mail.models import Delivery
from tests.content.factories import publish_story
from tests.metering.factories import ReaderFactory
from tests.newsletters.conftest import link_path, without_tokens
from tests.tasks import run_pending_tasks

FOLLOW = "/alerts/follow/"
ASK = 'Sign up for email updates from the "Under the Streets" series.'
SIGNED_UP = 'You have signed up for the "Under the Streets" series.'
THANKS = "Thank you for signing up"
WILL_RECEIVE = "You'll receive e-mail when new stories are published in this series."


def post_follow(client, email, series="under-the-streets", **extra):
    return client.post(FOLLOW, {"email": email, "series": series, "next": "/"}, **extra)


def test_every_story_of_the_series_and_the_series_page_offer_the_box(client, section, series):
    story = publish_story(section, title="Pipes", series=series)
    plain = publish_story(section, title="Not in a series")
    assert ASK in client.get(story.url).content.decode()
    assert ASK in client.get("/series/under-the-streets/").content.decode()
    assert "Sign up for email updates" not in client.get(plain.url).content.decode()


def test_the_box_is_the_same_for_every_reader(section, series):
    story = publish_story(section, title="Pipes", series=series)
    first = without_tokens(Client().get(story.url).content.decode())
    second = without_tokens(Client().get(story.url).content.decode())
    assert first == second
    assert SIGNED_UP not in first


def test_anonymous_follow_is_confirmed_by_email(client, series, smtp_backend):
    body = post_follow(client, "fan@example.org").content.decode()
    assert THANKS in body and "Success! Check your inbox for details." in body
    assert SeriesFollow.objects.get(email="fan@example.org").status == "pending"
    run_pending_tasks()
    message = smtp_backend.wait_for(1)[0]
    assert message["Subject"] == 'Confirm your alerts from the "Under the Streets" series'
    link = re.search(
        r"http://testserver/alerts/confirm/\S+/", message.get_body(("plain",)).get_content()
    )[0]
    fresh = Client()
    assert "Confirm series alerts" in fresh.get(link_path(link)).content.decode()
    assert SeriesFollow.objects.get(email="fan@example.org").status == "pending"
    done = fresh.post(link_path(link)).content.decode()
    assert THANKS in done and SIGNED_UP in done and WILL_RECEIVE in done
    assert SeriesFollow.objects.get(email="fan@example.org").status == "active"
    assert "_auth_user_id" not in fresh.session


def test_a_signed_in_reader_follows_at_once_with_the_whole_copy(client, series):
    reader = ReaderFactory(email="pat@example.org")
    client.force_login(reader)
    response = post_follow(
        client, "pat@example.org", HTTP_ACCEPT="application/json", HTTP_SEC_FETCH_SITE="same-origin"
    )
    html = json.loads(response.content)["html"]
    assert THANKS in html and SIGNED_UP in html and WILL_RECEIVE in html
    follow = SeriesFollow.objects.get(email="pat@example.org")
    assert follow.status == "active" and follow.user == reader
    assert not Delivery.objects.exists()
    assert response["Cache-Control"] == "private, no-store"


def test_known_and_unknown_addresses_get_the_same_answer(client, series):
    SeriesFollow.objects.create(series=series, email="known@example.org", status="active")
    first = post_follow(client, "unknown@example.org").content.decode()
    second = post_follow(client, "known@example.org").content.decode()
    assert without_tokens(first).replace("unknown@", "x@") == without_tokens(second).replace(
        "known@", "x@"
    )


def test_bad_address_csrf_escaping_and_malformed_posts(client, series):
    bad = post_follow(client, "nope")
    assert bad.status_code == 400
    assert "Please enter a valid email address" in bad.content.decode()
    assert 'value="nope"' in bad.content.decode()
    hostile = post_follow(client, '"><img src=x onerror=alert(1)>').content.decode()
    assert "<img src=x" not in hostile
    # no token on shared pages; a forged cross-site POST is answered as a stranger's
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(ReaderFactory(email="victim@example.org"))
    answer = post_follow(forged, "victim@example.org", HTTP_ORIGIN="https://evil.example")
    assert "Success! Check your inbox for details." in answer.content.decode()
    assert SeriesFollow.objects.get(email="victim@example.org").status == "pending"
    assert post_follow(client, "a@example.org", series="no-such").status_code == 400
    assert client.post(FOLLOW, {"email": "a@example.org"}).status_code == 400
    assert client.get(FOLLOW).status_code == 405
    series.title = "<b>Bold</b> series"
    series.save()
    escaped = post_follow(client, "b@example.org").content.decode()
    assert "<b>Bold</b>" not in escaped and "&lt;b&gt;Bold&lt;/b&gt;" in escaped


def test_follow_rate_limits(client, series, settings):
    settings.RATELIMIT_FOLLOW_EMAIL = "1/h"
    settings.RATELIMIT_FOLLOW_IP = "3/h"
    assert post_follow(client, "once@example.org").status_code == 200
    limited = post_follow(client, "once@example.org")
    assert limited.status_code == 429
    assert "We have already sent several emails to this address." in limited.content.decode()
    assert post_follow(client, "two@example.org").status_code == 200
    over = post_follow(client, "three@example.org")
    assert over.status_code == 429
    assert "Too many attempts from your connection." in over.content.decode()


def test_a_stop_link_works_without_signing_in_and_one_click(series):
    from masthead.alerts import links

    follow = SeriesFollow.objects.create(series=series, email="f@example.org", status="active")
    path = link_path(links.stop_url(follow))
    page = Client().get(path).content.decode()
    assert 'Stop sending alerts from the "Under the Streets" series' in page
    follow.refresh_from_db()
    assert follow.status == "active"
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and response.content == b""
    follow.refresh_from_db()
    assert follow.status == "stopped"
    assert (
        Client().post("/alerts/stop/forged/", {"List-Unsubscribe": "One-Click"}).status_code == 400
    )
    assert Client().get("/alerts/stop/forged/").status_code == 400


def test_stop_links_already_in_inboxes_keep_working_and_confirm_links_cannot_stop(series):
    from django.core import signing

    from masthead.alerts import links

    follow = SeriesFollow.objects.create(series=series, email="Old@example.org", status="active")
    confirm_token = links.confirm_url(follow).rsplit("/", 2)[1]
    refused = Client().post(f"/alerts/stop/{confirm_token}/")
    assert refused.status_code == 400 and "This link does not work" in refused.content.decode()
    follow.refresh_from_db()
    assert follow.status == "active"
    token = signing.dumps([follow.pk, "old@example.org"], salt="masthead.alerts.stop")
    assert links.stop_url(follow) == f"http://testserver/alerts/stop/{token}/"
    assert "You are unsubscribed" in Client().post(f"/alerts/stop/{token}/").content.decode()
    follow.refresh_from_db()
    assert follow.status == "stopped"


def test_a_link_whose_follow_is_gone_does_not_work(series):
    from masthead.alerts import links

    follow = SeriesFollow.objects.create(series=series, email="gone@example.org")
    stop, confirm = link_path(links.stop_url(follow)), link_path(links.confirm_url(follow))
    follow.delete()
    for path in (stop, confirm):
        page = Client().post(path)
        assert page.status_code == 400 and "This link does not work" in page.content.decode()
    one_click = Client().post(stop, {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 400 and one_click.content == b""


@pytest.mark.parametrize("path", ["/alerts/confirm/x/", "/alerts/confirm/%ff%00/"])
def test_forged_confirm_links_answer_400(client, series, path):
    response = client.get(path)
    assert response.status_code == 400 and "This link does not work" in response.content.decode()


def test_the_account_page_lists_follows_with_switches(client, series):
    reader = ReaderFactory(email="acct@example.org")
    SeriesFollow.objects.create(series=series, email="acct@example.org", status="active")
    client.force_login(reader)
    page = client.get("/account/").content.decode()
    assert "Under the Streets" in page and "You receive an email for each new story" in page
    follow = SeriesFollow.objects.get()
    client.post("/alerts/account/", {"follow": follow.pk})
    follow.refresh_from_db()
    assert follow.status == "stopped"
    assert "Stopped" in client.get("/account/").content.decode()
    client.post("/alerts/account/", {"follow": follow.pk, "on": "1"})
    follow.refresh_from_db()
    assert follow.status == "active"
    stranger = SeriesFollow.objects.create(series=series, email="else@example.org", status="active")
    assert client.post("/alerts/account/", {"follow": stranger.pk}).status_code == 404
    stranger.refresh_from_db()
    assert stranger.status == "active"
    assert client.post("/alerts/account/", {"follow": "abc"}).status_code == 400
