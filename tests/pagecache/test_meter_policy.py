"""One meter policy: an allowance changed in the admin is obeyed on the next request by
the page cache's hits and by Django's renders alike, with nothing to wait for."""

from __future__ import annotations

import time

from masthead.core.models import SiteSettings
from masthead.metering.meter import METER_COOKIE, Meter, meter_dump
from tests.content.factories import publish_story
from tests.pagecache.test_pagecache import call

WALL = "To keep reading, please enter your email address."


def _admin_sets_allowance(admin_client, allowance: int) -> None:
    site = SiteSettings.load()
    form = {
        "site_name": site.site_name, "tagline": site.tagline,
        "meter_allowance": str(allowance), "meter_period_days": str(site.meter_period_days),
        "registered_allowance": str(site.registered_allowance),
        "trial_weeks": str(site.trial_weeks), "terms_version": site.terms_version,
        "terms_page": "", "privacy_page": "",
    }  # fmt: skip
    response = admin_client.post(f"/admin/settings/core/sitesettings/{site.pk}/", form)
    assert response.status_code == 302, response.content[:500]
    assert SiteSettings.objects.get().meter_allowance == allowance


def test_an_allowance_changed_in_the_admin_applies_to_both_paths_on_the_next_request(
    app, section, admin_client, client, django_capture_on_commit_callbacks
):
    SiteSettings.objects.update_or_create(defaults={"meter_allowance": 3})
    first = publish_story(section, title="First", slug="first")
    second = publish_story(section, title="Second", slug="second")
    # A reader who has read one story: under an allowance of 3, the second is whole.
    cookie = meter_dump(Meter(reads={first.pk: int(time.time()) - 60}))
    for _ in range(3):  # start a generation, store, then a hit from memory
        answer = call(app, second.url, cookies={METER_COOKIE: cookie})
    assert WALL not in answer.text and app.local.hits >= 1
    client.cookies[METER_COOKIE] = cookie
    assert WALL not in client.get(second.url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        _admin_sets_allowance(admin_client, 1)

    cached_path = call(app, second.url, cookies={METER_COOKIE: cookie})
    client.cookies[METER_COOKIE] = cookie  # the same reader again (not the updated meter)
    django_path = client.get(second.url).content.decode()
    assert WALL in cached_path.text
    assert WALL in django_path
    hits = app.local.hits
    again = call(app, second.url, cookies={METER_COOKIE: cookie})  # now answered from memory
    assert app.local.hits == hits + 1
    assert WALL in again.text
