"""The generation held in process memory: a hit costs no round trip, a change shows at once
here and within the poll interval elsewhere, and a lost cache falls back to Django."""

from __future__ import annotations

import logging
import threading

import redis
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache

from masthead.core import generation as generations
from masthead.core.degraded import degraded_forget
from masthead.core.generation import GenerationWatch, generation_bump, watch
from tests.pagecache.test_pagecache import call, warm


class CacheCalls:
    """Counts every call this thread makes to the shared cache (Redis or Django's API)."""

    def __init__(self, monkeypatch) -> None:
        self.calls: list[str] = []
        me = threading.get_ident()

        def spy(cls, name):
            real = getattr(cls, name)

            def counted(*args, **kwargs):
                if threading.get_ident() == me:
                    self.calls.append(name)
                return real(*args, **kwargs)

            monkeypatch.setattr(cls, name, counted)

        spy(redis.Redis, "execute_command")  # every Redis command, pipelines aside
        spy(redis.client.Pipeline, "execute")
        backend = type(caches["default"])
        for name in ("get", "get_many", "set", "add", "has_key", "incr", "delete"):
            if name in vars(backend) or name in vars(BaseCache):
                spy(backend, name)


def test_a_hit_makes_no_call_to_redis_or_the_cache(
    app,
    story,
    unmetered,
    monkeypatch,
    django_assert_num_queries,
):
    warm(app, story.url)
    call(app, story.url)  # the local table holds it now
    spy = CacheCalls(monkeypatch)
    with django_assert_num_queries(0):
        hit = call(app, story.url)
    assert hit.status_code == 200
    assert spy.calls == []


def test_a_walled_hit_makes_no_call_either(app, section, monkeypatch, django_assert_num_queries):
    from masthead.core.models import SiteSettings
    from masthead.metering.meter import METER_COOKIE
    from tests.content.factories import publish_story

    SiteSettings.objects.update_or_create(defaults={"meter_allowance": 1})
    first = publish_story(section, title="First", slug="first")
    second = publish_story(section, title="Second", slug="second")
    call(app, "/")
    meter = call(app, first.url).cookies()[METER_COOKIE]
    call(app, second.url, cookies={METER_COOKIE: meter})
    spy = CacheCalls(monkeypatch)
    with django_assert_num_queries(0):
        walled = call(app, second.url, cookies={METER_COOKIE: meter})
    assert "To keep reading, please enter your email address." in walled.text
    assert spy.calls == []


def test_the_process_that_publishes_sees_it_at_once(
    app,
    story,
    unmetered,
    django_capture_on_commit_callbacks,
):
    warm(app, story.url)
    with django_capture_on_commit_callbacks(execute=True):
        story.title = "Harbour stays shut"
        story.save_revision().publish()
    assert "Harbour stays shut" in call(app, story.url).text  # no poll in between


def test_a_poll_that_began_before_a_local_change_cannot_roll_it_back(db, monkeypatch):
    """The race pub/sub needs a sequence number for: here, an epoch counter."""
    local_watch = GenerationWatch()
    local_watch.poll_seconds = 60.0  # no thread: the poll is driven by hand below
    local_watch._pid = __import__("os").getpid()
    old = local_watch._epoch
    local_watch.set_local("b" * 16)  # this process published meanwhile
    local_watch._apply(old, "a" * 16)  # the poll read the old token before the publish
    assert local_watch.current() == "b" * 16
    local_watch._apply(local_watch._epoch, "c" * 16)  # a later poll is applied
    assert local_watch.current() == "c" * 16


def test_another_process_change_is_seen_after_one_poll(db):
    local_watch = GenerationWatch()
    local_watch.poll_seconds = 60.0  # no thread: the poll is driven by hand below
    local_watch._pid = __import__("os").getpid()
    token = generation_bump()
    local_watch.set_local(token)
    other = generations.new_token()
    generations._Record().write(other)  # what another process's publish writes
    assert local_watch.current() == token  # held in memory until the poller reads
    local_watch._apply(local_watch._epoch, generations._Record().read())  # one poll
    assert local_watch.current() == other


def test_an_unreachable_cache_sends_hits_to_django_and_says_so_once(
    app,
    story,
    unmetered,
    monkeypatch,
    caplog,
    django_assert_max_num_queries,
):
    warm(app, story.url)
    degraded_forget()

    class Down:
        def read(self):
            raise redis.ConnectionError("Connection refused")

        def write(self, token, only_if_absent=False):
            raise redis.ConnectionError("Connection refused")

    monkeypatch.setattr(generations, "_Record", Down)
    watch.stop()  # the poller would find it down too; the direct read is what is tested
    watch._pid = __import__("os").getpid()
    watch.poll_seconds = 0.05
    watch.forget()
    with caplog.at_level(logging.WARNING, logger="masthead.degraded"):
        answers = [call(app, story.url) for _ in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert all("Harbour reopens after storm" in a.text for a in answers)
    warnings = [r.getMessage() for r in caplog.records if r.name == "masthead.degraded"]
    assert len(warnings) == 1 and "shared cache unreachable" in warnings[0]


def test_the_generation_comes_back_new_after_an_outage(db):
    local_watch = GenerationWatch()
    local_watch.poll_seconds = 60.0
    before = generation_bump()
    local_watch._down = True
    token = local_watch._after_outage(generations._Record())
    assert token != before
    assert generations._Record().read() == token
