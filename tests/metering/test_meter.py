"""The anonymous meter as a pure function of cookie and clock."""

from __future__ import annotations

import pytest
from django.test import override_settings

from masthead.metering.meter import (
    MAX_ENTRIES,
    Meter,
    MeterPolicy,
    meter_check,
    meter_decide,
    meter_dump,
    meter_load,
)

# Every test here with the compiled meter on and off (conftest.py).
pytestmark = pytest.mark.usefixtures("both_meters")


POLICY = MeterPolicy(allowance=3, period_days=30)
DAY = 86400
NOW = 1_800_000_000.0


def read(cookie, story, now=NOW, policy=POLICY):
    return meter_decide(cookie, story, policy=policy, now=now)


def test_three_free_stories_then_walled():
    cookie = None
    for story in (11, 12, 13):
        allowed, new_cookie = read(cookie, story)
        assert allowed and new_cookie
        cookie = new_cookie
    assert read(cookie, 14) == (False, None)


def test_rereading_does_not_count():
    _, cookie = read(None, 11)
    for _ in range(5):
        assert read(cookie, 11) == (True, None)
    _, cookie = read(cookie, 12)
    _, cookie = read(cookie, 13)
    assert read(cookie, 11) == (True, None)
    assert read(cookie, 14)[0] is False


def test_the_period_rolls():
    _, cookie = read(None, 11, now=NOW)
    _, cookie = read(cookie, 12, now=NOW + 10 * DAY)
    _, cookie = read(cookie, 13, now=NOW + 20 * DAY)
    assert read(cookie, 14, now=NOW + 29 * DAY)[0] is False
    # Story 11's read passes the 30-day mark: one story frees up, not three.
    allowed, cookie = read(cookie, 14, now=NOW + 30 * DAY + 1)
    assert allowed
    assert read(cookie, 15, now=NOW + 30 * DAY + 2)[0] is False
    meter = meter_load(cookie, now=NOW + 30 * DAY + 2, policy=POLICY)
    assert set(meter.reads) == {12, 13, 14}


@pytest.mark.parametrize(
    "cookie",
    [
        "",
        "garbage",
        "1..",
        "1.b:1.AAAA",
        "2.b:6b06c11c.AAAAAAAAAAAAAAAA",
        "1.zz:zz.x" * 3,
        "x" * 5000,
        "1.a.\u00e9",  # a non-ASCII signature (latin-1 header bytes)
    ],
)
def test_malformed_cookies_load_empty(cookie):
    assert meter_load(cookie, now=NOW, policy=POLICY).reads == {}


def test_forged_cookie_is_ignored():
    meter = Meter(reads={11: int(NOW)})
    value = meter_dump(meter)
    signed, _, mac = value.rpartition(".")
    forged = signed.replace("b:", "c:") + "." + mac  # change the story, keep the MAC
    assert meter_load(forged, now=NOW, policy=POLICY).reads == {}
    # and an exhausted meter cannot be reset to "one read" by editing it
    full = Meter(reads={1: int(NOW), 2: int(NOW), 3: int(NOW)})
    trimmed = meter_dump(full).replace("-2:", "-").split(".")
    assert meter_load(".".join(trimmed), now=NOW, policy=POLICY).reads == {}


def test_cookie_from_another_secret_is_ignored():
    value = meter_dump(Meter(reads={11: int(NOW)}))
    with override_settings(SECRET_KEY="another-secret-key-entirely-0123456789"):
        assert meter_load(value, now=NOW, policy=POLICY).reads == {}


def test_future_dated_reads_are_dropped():
    value = meter_dump(Meter(reads={11: int(NOW + 2 * DAY)}))
    assert meter_load(value, now=NOW, policy=POLICY).reads == {}


def test_cookie_is_compact_and_cookie_safe():
    meter = Meter(reads={123456: int(NOW), 7: int(NOW) + 5, 99999999: int(NOW) + 9})
    value = meter_dump(meter)
    assert len(value) < 80
    assert all(c.isalnum() or c in "-_.:" for c in value)
    assert meter_load(value, now=NOW + 10, policy=POLICY).reads == meter.reads


def test_allowance_zero_walls_everything_and_large_allowance_is_capped():
    assert read(None, 1, policy=MeterPolicy(allowance=0, period_days=30)) == (False, None)
    big = MeterPolicy(allowance=10_000, period_days=30)
    meter = Meter()
    for story in range(MAX_ENTRIES + 5):
        meter_check(meter, story, now=NOW, policy=big)
    assert len(meter.reads) == MAX_ENTRIES
