"""Where readers meet newsletters: the story page, the catalogue, the account page,
unsubscribe links, the header's Subscribe and the walled page after a trial."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from masthead.newsletters import links
from masthead.newsletters.models import Edition, NewsletterSubscription
from tests.content.factories import publish_story
from tests.metering.factories import EntitlementFactory, ReaderFactory
from tests.newsletters.conftest import link_path


def test_the_daily_s_box_sits_under_every_story_the_same_for_everyone(section, letters):
    story = publish_story(section, title="Harbour news")
    first = Client().get(story.url).content.decode()
    assert 'id="story-newsletter-title">The Daily Briefing</h2>' in first
    assert 'action="/newsletters/signup/"' in first
    assert 'name="newsletter" value="daily"' in first
    # no CSRF token: a story hit stays byte-for-byte shareable, with its ETag
    assert "csrfmiddlewaretoken" not in first
    assert first == Client().get(story.url).content.decode()


def test_editors_choose_the_story_box_and_place_boxes_in_a_story(section, letters):
    letters["city"].on_stories = True
    letters["city"].save()
    story = publish_story(section, title="Transit plan")
    story.body.append(("newsletter_signup", {"newsletter": letters["climate"]}))
    story.save_revision().publish()
    body = Client().get(story.url).content.decode()
    assert 'id="story-newsletter-title">City Desk</h2>' in body
    assert 'id="body-newsletter-climate-watch-title">Climate Watch</h2>' in body


def test_the_catalogue_lists_every_active_newsletter(client, letters):
    Edition.objects.create(
        newsletter=letters["city"], issue_date=timezone.localdate(), subject="City",
        status=Edition.SENT,
    )  # fmt: skip
    body = client.get("/newsletters/").content.decode()
    for name in ("The Daily Briefing", "City Desk", "Climate Watch"):
        assert name in body
    assert "Council and transit." in body and "Weekly" in body and "Daily" in body
    assert "The Retired Letter" not in body
    assert "Read the latest edition" in body
    order = [
        body.index(f'id="newsletter-{slug}"') for slug in ("daily", "city-desk", "climate-watch")
    ]
    assert order == sorted(order)


def test_the_home_page_and_the_footer_link_the_catalogue(client, home):
    body = client.get("/").content.decode()
    assert '<a href="/newsletters/">See all newsletters</a>' in body
    assert '<li><a href="/newsletters/">Newsletters</a></li>' in body


def test_the_header_subscribe_button_leads_to_what_the_wall_offers(client, home):
    body = client.get("/").content.decode()
    assert '<a class="button button--small" href="/wall/">Subscribe</a>' in body
    wall = client.get("/wall/").content.decode()
    assert "A free 6-week digital subscription" in wall
    assert "Our daily newsletter in your inbox" in wall
    assert "See all newsletters" in wall


def test_after_the_trial_the_walled_page_says_what_to_do_next(client, section):
    from masthead.core.models import SiteSettings

    site = SiteSettings.load()
    site.registered_allowance = 0
    site.save()
    reader = ReaderFactory()
    ended = timezone.now() - timedelta(days=1)
    EntitlementFactory(user=reader, starts_at=ended - timedelta(weeks=6), ends_at=ended)
    story = publish_story(section, title="Walled", paragraphs=[f"P{n}." for n in range(8)])
    client.force_login(reader)
    body = client.get(story.url).content.decode()
    assert "You have read all your free stories for now." in body
    assert "Your free digital subscription ended on" in body
    assert ended.strftime("%B %-d, %Y") in body
    assert "What you can do next:" in body
    assert '<a href="/newsletters/">see all newsletters</a>' in body


def test_an_unsubscribe_link_asks_first_then_works_without_signing_in(letters):
    sub = NewsletterSubscription.objects.create(
        newsletter=letters["daily"], email="leaving@example.org", status="active"
    )
    path = link_path(links.unsubscribe_url(sub))
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(path)
    assert "Stop sending The Daily Briefing to leaving@example.org?" in page.content.decode()
    sub.refresh_from_db()
    assert sub.status == "active"  # opening the link (a mail scanner) changes nothing
    done = reader.post(path)
    assert "You are unsubscribed" in done.content.decode()
    sub.refresh_from_db()
    assert sub.status == "unsubscribed" and sub.unsubscribed_at is not None
    assert reader.post(path).status_code == 200  # twice is harmless


def test_the_one_click_post_unsubscribes_with_no_page(letters):
    sub = NewsletterSubscription.objects.create(
        newsletter=letters["daily"], email="oneclick@example.org", status="active"
    )
    response = Client(enforce_csrf_checks=True).post(
        link_path(links.unsubscribe_url(sub)), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200 and response.content == b""
    sub.refresh_from_db()
    assert sub.status == "unsubscribed"
    forged = Client().post("/newsletters/unsubscribe/abc/", {"List-Unsubscribe": "One-Click"})
    assert forged.status_code == 400


def test_a_link_for_one_subscription_cannot_touch_another(letters):
    mine = NewsletterSubscription.objects.create(
        newsletter=letters["daily"], email="me@example.org", status="active"
    )
    token = links.unsubscribe_url(mine).rsplit("/", 2)[1]
    tampered = token.replace(token[2], "A" if token[2] != "A" else "B", 1)
    assert Client().post(f"/newsletters/unsubscribe/{tampered}/").status_code == 400
    mine.refresh_from_db()
    assert mine.status == "active"


def test_the_account_page_switches_newsletters_on_and_off(client, letters):
    reader = ReaderFactory(email="acct@example.org")
    client.force_login(reader)
    page = client.get("/account/").content.decode()
    assert page.count("Not subscribed") == 3  # three active newsletters
    client.post("/newsletters/account/", {"newsletter": "city-desk", "on": "1"})
    sub = NewsletterSubscription.objects.get(email="acct@example.org")
    assert sub.status == "active" and sub.user == reader  # a confirmed address: at once
    assert "You receive it" in client.get("/account/").content.decode()
    client.post("/newsletters/account/", {"newsletter": "city-desk"})
    sub.refresh_from_db()
    assert sub.status == "unsubscribed"
    assert (
        client.post("/newsletters/account/", {"newsletter": "retired", "on": "1"}).status_code
        == 404
    )
    assert client.post("/newsletters/account/", {"newsletter": "<x>"}).status_code == 400
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(reader)
    assert csrf.post("/newsletters/account/", {"newsletter": "daily", "on": "1"}).status_code == 403


def test_the_account_switches_need_a_signed_in_reader(client, letters):
    response = client.post("/newsletters/account/", {"newsletter": "daily", "on": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not NewsletterSubscription.objects.exists()


def test_links_already_in_inboxes_keep_working(letters):
    """The salts are part of every link sent: a link signed as earlier releases
    signed it (id and lower-cased address) still unsubscribes."""
    from django.core import signing

    sub = NewsletterSubscription.objects.create(
        newsletter=letters["daily"], email="Old.Reader@example.org", status="active"
    )
    # One frozen second: a signature carries its time, and the two are compared.
    with time_machine.travel("2026-11-30 08:00:00Z", tick=False):
        token = signing.dumps(
            [sub.pk, "old.reader@example.org"], salt="masthead.newsletters.unsubscribe"
        )
        url = links.unsubscribe_url(sub)
    assert url == f"http://testserver/newsletters/unsubscribe/{token}/"
    done = Client().post(f"/newsletters/unsubscribe/{token}/")
    assert "You are unsubscribed" in done.content.decode()
    sub.refresh_from_db()
    assert sub.status == "unsubscribed"


def test_a_confirmation_link_cannot_unsubscribe(letters):
    sub = NewsletterSubscription.objects.create(
        newsletter=letters["daily"], email="twice@example.org", status="active"
    )
    token = links.confirm_url(sub).rsplit("/", 2)[1]
    page = Client().post(f"/newsletters/unsubscribe/{token}/")
    assert page.status_code == 400 and "This link does not work" in page.content.decode()
    sub.refresh_from_db()
    assert sub.status == "active"


def test_a_link_whose_subscription_is_gone_does_not_work(letters):
    sub = NewsletterSubscription.objects.create(
        newsletter=letters["daily"], email="gone@example.org", status="active"
    )
    leave, confirm = link_path(links.unsubscribe_url(sub)), link_path(links.confirm_url(sub))
    sub.delete()
    for path in (leave, confirm):
        page = Client().post(path)
        assert page.status_code == 400 and "This link does not work" in page.content.decode()
    one_click = Client().post(leave, {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 400 and one_click.content == b""
