"""The fixed-window limiter behind the wall and sign-in-link limits.

Runs against the suite's cache: the in-memory cache by default, Redis (the
pipelined path) when ``REDIS_URL`` is set.
"""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import cache
from django.test import RequestFactory

from masthead.core.errors import RateLimited
from masthead.core.ratelimit import (
    Limit,
    client_ip,
    limits_exceeded,
    parse_rate,
    rate_limit,
    rate_setting,
)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("5/h", (5, 3600)),
        ("30/10m", (30, 600)),
        ("20/3600", (20, 3600)),
        ("100000000/s", (100000000, 1)),
        ("2/d", (2, 86400)),
        (" 3 / m ", (3, 60)),
    ],
)
def test_rates_in_both_spellings(rate, expected):
    assert parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["", "five/h", "5/w", "5/-1", "/h", "5/0", "5/0m"])
def test_a_malformed_rate_is_refused_with_the_expected_form(rate):
    with pytest.raises(ValueError, match="expected e.g. 5/h"):
        parse_rate(rate)


def test_counts_each_limit_and_trips_after_the_allowed_number():
    by_ip = Limit("test:ip", "203.0.113.9", "3/m")
    by_address = Limit("test:address", "reader@example.org", "2/m")
    with time_machine.travel("2026-11-25 10:00:05", tick=False):
        answers = [limits_exceeded(by_ip, by_address) for _ in range(4)]
    assert answers == [[False, False], [False, False], [False, True], [True, True]]


def test_keys_and_scopes_are_counted_apart():
    with time_machine.travel("2026-11-25 10:00:05", tick=False):
        assert limits_exceeded(Limit("test:a", "one", "1/m")) == [False]
        assert limits_exceeded(Limit("test:a", "two", "1/m")) == [False]
        assert limits_exceeded(Limit("test:b", "one", "1/m")) == [False]
        assert limits_exceeded(Limit("test:a", "one", "1/m")) == [True]


def test_a_new_window_starts_afresh():
    limit = Limit("test:window", "203.0.113.9", "1/m")
    with time_machine.travel("2026-11-25 10:00:05", tick=False):
        assert limits_exceeded(limit) == [False]
        assert limits_exceeded(limit) == [True]
    with time_machine.travel("2026-11-25 10:01:01", tick=False):
        assert limits_exceeded(limit) == [False]


def test_a_zero_rate_means_no_limit():
    limit = Limit("test:off", "203.0.113.9", "0/m")
    with time_machine.travel("2026-11-25 10:00:05", tick=False):
        assert [limits_exceeded(limit) for _ in range(3)] == [[False]] * 3


@pytest.mark.parametrize(
    ("remote", "counted_as"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:db8:1:2::/64"),  # same line, same count
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("", "unknown"),
    ],
)
def test_ipv6_readers_are_counted_by_their_64_network(rf, remote, counted_as):
    request = rf.post("/wall/", REMOTE_ADDR=remote)
    assert client_ip(request) == counted_as


def test_counters_that_cannot_be_reached_let_the_reader_through(monkeypatch, caplog):
    from masthead.core import ratelimit

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(ratelimit, "_count_in_redis", down)
    monkeypatch.setattr(ratelimit, "_count_in_cache", down)
    limits = [Limit("test:down", "203.0.113.9", "1/m"), Limit("test:down", "x@example.org", "1/m")]
    assert limits_exceeded(*limits) == [False, False]
    assert "rate-limit counters unavailable" in caplog.text


MESSAGES = {"ip": "from your connection", "email": "for this address"}


def test_a_forms_rates_are_its_ratelimit_form_scope_settings():
    assert rate_setting("signin-link", "email") == "RATELIMIT_SIGNIN_LINK_EMAIL"
    assert rate_setting("wall", "ip") == "RATELIMIT_WALL_IP"


def test_rate_limit_names_the_limit_it_is_over(settings):
    settings.RATELIMIT_WALL_IP = "100/h"
    settings.RATELIMIT_WALL_EMAIL = "1/h"
    request = RequestFactory().post("/wall/", REMOTE_ADDR="203.0.113.9")
    rate_limit(request, "wall", email="Reader@example.org", messages=MESSAGES)
    with pytest.raises(RateLimited) as refused:
        rate_limit(request, "wall", email="reader@example.org", messages=MESSAGES)
    assert (refused.value.message, refused.value.status) == ("for this address", 429)


def test_rate_limit_without_an_address_counts_the_connection_only(settings):
    settings.RATELIMIT_WALL_IP = "1/h"
    settings.RATELIMIT_WALL_EMAIL = "1/h"
    request = RequestFactory().post("/wall/", REMOTE_ADDR="203.0.113.10")
    rate_limit(request, "wall", messages=MESSAGES)
    with pytest.raises(RateLimited) as refused:
        rate_limit(request, "wall", messages=MESSAGES)
    assert refused.value.message == "from your connection"
