"""Whole or walled, as a reader sees the story page."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from masthead.metering.meter import METER_COOKIE
from masthead.metering.models import Read
from tests.metering.factories import EntitlementFactory, ReaderFactory

WALL_LINE = "To keep reading, please enter your email address."


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_reader_gets_three_stories_then_the_wall(client, stories):
    for story in stories[:3]:
        page = html(client.get(story.url))
        assert "paragraph 6." in page
        assert WALL_LINE not in page
    page = html(client.get(stories[3].url))
    assert WALL_LINE in page
    assert "Story 4 paragraph 1." in page


def test_walled_html_lacks_the_rest_of_the_body(client, stories, site_settings):
    site_settings.meter_allowance = 0
    site_settings.save()
    page = html(client.get(stories[0].url))
    assert '<section class="paywall"' in page
    for shown in (1, 2, 3):
        assert f"Story 1 paragraph {shown}." in page
    for hidden in (4, 5, 6):
        assert f"paragraph {hidden}" not in page


def test_rereading_a_story_does_not_count(client, stories):
    for _ in range(4):
        assert WALL_LINE not in html(client.get(stories[0].url))
    assert WALL_LINE not in html(client.get(stories[1].url))
    assert WALL_LINE not in html(client.get(stories[2].url))
    assert WALL_LINE not in html(client.get(stories[0].url))
    assert WALL_LINE in html(client.get(stories[3].url))


def test_home_section_author_and_series_pages_never_count(client, home, section, stories):
    author = stories[0].authors[0]
    for url in ["/", section.url, f"/authors/{author.slug}/"] * 3:
        assert client.get(url).status_code == 200
    assert METER_COOKIE not in client.cookies or not client.cookies[METER_COOKIE].value
    for story in stories[:3]:
        assert WALL_LINE not in html(client.get(story.url))


def test_the_meter_cookie_is_signed_httponly_and_lasts_the_period(client, stories):
    response = client.get(stories[0].url)
    morsel = response.cookies[METER_COOKIE]
    assert morsel["httponly"]
    assert morsel["samesite"] == "Lax"
    assert int(morsel["max-age"]) == 30 * 86400
    # a reader who edits the cookie starts from nothing rather than gaining reads
    client.cookies[METER_COOKIE] = morsel.value[:-2] + "xx"
    assert WALL_LINE not in html(client.get(stories[1].url))


def test_the_period_rolls_with_time(client, stories):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for story in stories[:3]:
            client.get(story.url)
        assert WALL_LINE in html(client.get(stories[3].url))
    with time_machine.travel(start + timedelta(days=29), tick=False):
        assert WALL_LINE in html(client.get(stories[3].url))
    with time_machine.travel(start + timedelta(days=30, minutes=1), tick=False):
        assert WALL_LINE not in html(client.get(stories[3].url))


def test_allowance_is_an_admin_setting(client, stories, site_settings):
    site_settings.meter_allowance = 1
    site_settings.save()
    assert WALL_LINE not in html(client.get(stories[0].url))
    assert WALL_LINE in html(client.get(stories[1].url))


def test_staff_are_never_walled(client, stories, site_settings):
    site_settings.meter_allowance = 0
    site_settings.registered_allowance = 0
    site_settings.save()
    editor = ReaderFactory(is_staff=True)
    client.force_login(editor)
    for story in stories:
        assert WALL_LINE not in html(client.get(story.url))


def test_subscribers_are_never_walled(client, stories, site_settings):
    site_settings.registered_allowance = 1
    site_settings.save()
    reader = ReaderFactory()
    EntitlementFactory(user=reader)
    client.force_login(reader)
    for story in stories:
        page = html(client.get(story.url))
        assert "paragraph 6." in page


def test_signed_in_reader_has_own_allowance_counted_on_server(client, stories, site_settings):
    site_settings.registered_allowance = 2
    site_settings.save()
    reader = ReaderFactory()
    client.force_login(reader)
    assert "paragraph 6." in html(client.get(stories[0].url))
    assert "paragraph 6." in html(client.get(stories[1].url))
    walled = html(client.get(stories[2].url))
    assert "You have read all your free stories for now." in walled
    assert "Story 3 paragraph 6." not in walled
    assert Read.objects.filter(user=reader).count() == 2


def test_signed_in_meter_follows_the_reader_across_devices(client, stories, site_settings):
    from django.test import Client

    site_settings.registered_allowance = 2
    site_settings.save()
    reader = ReaderFactory()
    laptop, phone = client, Client()
    laptop.force_login(reader)
    phone.force_login(reader)
    laptop.get(stories[0].url)
    phone.get(stories[1].url)
    assert "Story 3 paragraph 6." not in html(laptop.get(stories[2].url))
    assert "Story 1 paragraph 6." in html(phone.get(stories[0].url))  # already read


def test_anonymous_reads_carry_over_at_sign_in(client, stories, site_settings):
    site_settings.registered_allowance = 3
    site_settings.save()
    reader = ReaderFactory()
    client.get(stories[0].url)
    client.get(stories[1].url)
    response = client.post(
        "/accounts/login/", {"login": reader.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(Read.objects.filter(user=reader).values_list("story_id", flat=True)) == {
        stories[0].pk,
        stories[1].pk,
    }
    assert "Story 3 paragraph 6." in html(client.get(stories[2].url))
    assert "Story 4 paragraph 6." not in html(client.get(stories[3].url))


def test_when_the_trial_ends_the_reader_is_metered_again(client, stories, site_settings):
    site_settings.registered_allowance = 1
    site_settings.save()
    reader = ReaderFactory()
    trial = EntitlementFactory(user=reader)
    client.force_login(reader)
    for story in stories[:3]:
        assert "paragraph 6." in html(client.get(story.url))
    with time_machine.travel(trial.ends_at + timedelta(minutes=1)):
        client.force_login(reader)
        assert "Story 4 paragraph 6." in html(client.get(stories[3].url))
        assert "Story 5 paragraph 6." not in html(client.get(stories[4].url))


def test_anonymous_decision_runs_no_query_for_the_meter(
    client, stories, django_assert_max_num_queries
):
    """The meter itself never touches the database for anonymous readers."""
    from django.test import RequestFactory

    from masthead.core.generation import generation_bump
    from masthead.metering.access import story_access
    from masthead.metering.meter import meter_policy

    generation_bump()  # as after the first page was served
    meter_policy()  # the policy is kept while the generation holds
    request = RequestFactory().get(stories[0].url)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with django_assert_max_num_queries(0):
        access = story_access(request, stories[0])
    assert access.walled is False and access.cookie
