"""The meter's edges: the exact end of the period, a clock a little ahead, the
cap on a cookie's reads, and the policy an editor sets (found by mutation
testing, ``python -m tests.mutation meter``)."""

from __future__ import annotations

import random
import time

import pytest
from django.test import override_settings

from masthead.core.models import SiteSettings
from masthead.metering.meter import (
    MAX_ENTRIES,
    Meter,
    MeterPolicy,
    _mac,
    _reads_of,
    meter_check,
    meter_cookie_kwargs,
    meter_decide,
    meter_dump,
    meter_hit,
    meter_load,
    meter_policy,
)

# Every test here with the compiled meter on and off (conftest.py).
pytestmark = pytest.mark.usefixtures("both_meters")


POLICY = MeterPolicy(allowance=3, period_days=30)
NOW = 1_800_000_000


def _loaded(reads: dict[int, int], now: float = NOW) -> dict[int, int]:
    return meter_load(meter_dump(Meter(reads=dict(reads))), now=now, policy=POLICY).reads


def test_a_read_exactly_one_period_old_has_dropped_out_a_second_younger_has_not():
    period = POLICY.period_seconds
    assert period == 30 * 86400
    assert _loaded({1: NOW - period}) == {}
    assert _loaded({1: NOW - period + 1}) == {1: NOW - period + 1}


def test_reads_up_to_five_minutes_ahead_are_trusted_no_further():
    """Web servers' clocks may differ a little; a doctored cookie's may not."""
    assert _loaded({1: NOW + 300}) == {1: NOW + 300}
    assert _loaded({1: NOW + 301}) == {}


def test_a_cookie_keeps_the_newest_reads_when_over_the_cap():
    # the higher the story id, the older the read: the oldest five drop out
    reads = {story: NOW - story for story in range(MAX_ENTRIES + 5)}
    kept = _loaded(reads)
    assert len(kept) == MAX_ENTRIES
    assert set(kept) == set(range(MAX_ENTRIES))


def test_a_read_is_stamped_with_the_time_it_happened():
    meter = Meter()
    assert meter_check(meter, 7, now=NOW + 0.9, policy=POLICY) == (True, True)
    assert meter.reads == {7: NOW}


def test_the_reader_under_the_allowance_is_counted_at_the_last_free_story():
    meter = Meter(reads={1: NOW, 2: NOW})
    assert meter_check(meter, 3, now=NOW, policy=POLICY) == (True, True)
    assert meter_check(meter, 4, now=NOW, policy=POLICY) == (False, False)
    assert set(meter.reads) == {1, 2, 3}


def test_deciding_without_a_clock_uses_the_real_time():
    allowed, cookie = meter_decide(None, 5, policy=POLICY)
    assert allowed
    [(story, read_at)] = meter_load(cookie, now=time.time(), policy=POLICY).reads.items()
    assert story == 5 and abs(read_at - time.time()) < 60


def test_an_empty_but_signed_meter_loads_empty_and_counts_afresh():
    cookie = meter_dump(Meter())
    assert meter_load(cookie, now=NOW, policy=POLICY).reads == {}
    assert meter_decide(cookie, 9, policy=POLICY, now=NOW)[0] is True


def test_a_cookie_longer_than_any_real_meter_is_not_even_parsed():
    real = meter_dump(Meter(reads={story: NOW for story in range(MAX_ENTRIES)}))
    assert len(real) < 4000
    assert meter_load(real, now=NOW, policy=POLICY).reads
    padded = real.replace("1.", "1." + "0:0-" * 1000, 1)
    assert meter_load(padded, now=NOW, policy=POLICY).reads == {}


def test_cookie_attributes(settings):
    settings.SESSION_COOKIE_SECURE = True
    assert meter_cookie_kwargs(MeterPolicy(allowance=3, period_days=2)) == {
        "max_age": 2 * 86400,
        "httponly": True,
        "samesite": "Lax",
        "secure": True,
        "path": "/",
    }


@pytest.mark.django_db
def test_the_hit_path_follows_a_changed_secret_key_and_secure_flag(settings):
    """``meter_hit`` keeps the two settings it reads; a change to either (a test's
    override) is obeyed from the next hit on, not after a restart."""
    _, first = meter_hit({}, 7)
    assert not first.endswith("Secure")
    settings.SESSION_COOKIE_SECURE = True
    settings.SECRET_KEY = "another secret key for the meter's hit path, 50 chars+"
    allowed, header = meter_hit({}, 7)
    assert allowed and header.endswith("; Secure")
    value = header.split(";")[0].split("=", 1)[1]
    assert meter_load(value, now=time.time(), policy=meter_policy()).reads.keys() == {7}


@pytest.mark.django_db
def test_the_policy_is_the_editors_from_the_next_request():
    """One policy, the site settings' (kept per content generation): a save in
    the admin applies at once, in this process without waiting for a TTL."""
    site = SiteSettings.load()
    site.meter_allowance, site.meter_period_days = 4, 9
    site.save()
    assert meter_policy() == MeterPolicy(allowance=4, period_days=9)
    site = SiteSettings.load()
    site.meter_allowance = 6
    site.save()
    assert meter_policy() == MeterPolicy(allowance=6, period_days=9)


@override_settings(SECRET_KEY="a fixed secret key for the meter's signature test, 50+")
def test_the_signature_of_cookies_already_in_browsers_does_not_change():
    """Readers carry meter cookies signed by earlier releases: a change to how the
    MAC is computed (even a faster way to the same bytes) must give the same
    signature, or every reader's meter would reset at the next release."""
    issued = "1.7:6765c0aa-2a:6765c0de.T2hPnJjOg-QCVyOD"
    assert meter_dump(Meter(reads={0x2A: 0x6765C0DE, 0x7: 0x6765C0AA})) == issued
    policy = MeterPolicy(allowance=3, period_days=30)
    loaded = meter_load(issued, now=0x6765C0DE + 60, policy=policy)
    assert loaded.reads == {0x2A: 0x6765C0DE, 0x7: 0x6765C0AA}


def _decided_the_long_way(cookie: str | None, story: int, now: float, policy: MeterPolicy):
    meter = meter_load(cookie, now=now, policy=policy)
    allowed, changed = meter_check(meter, story, now=now, policy=policy)
    return allowed, (meter_dump(meter) if changed else None)


def test_the_appended_cookie_is_the_one_a_full_rewrite_writes():
    """``meter_decide`` appends a new read to the cookie it was given instead of
    writing every read again; over meters in order, out of order, with reads
    expired, ahead of the clock, repeated or empty, it answers exactly what
    loading, checking and dumping answer."""
    rng = random.Random(20261201)
    period = POLICY.period_seconds
    appended = 0
    for _ in range(3000):
        policy = MeterPolicy(allowance=rng.choice([0, 1, 2, 3, 5, 10]), period_days=30)
        reads = {
            rng.randrange(1, 40): NOW + rng.choice([-period - 5, -period, -period + 1, -600, -60, 0, 200, 301, 400])
            for _ in range(rng.randrange(0, 7))
        }  # fmt: skip
        payload = "-".join(f"{story:x}:{at:x}" for story, at in reads.items())
        signed = f"1.{payload}"
        cookie = rng.choice(
            [meter_dump(Meter(reads=dict(reads))), f"{signed}.{_mac(signed)}", None]
        )
        story = rng.randrange(1, 40)
        expected = _decided_the_long_way(cookie, story, NOW, policy)
        assert meter_decide(cookie, story, policy=policy, now=NOW) == expected, (cookie, story)
        appended += expected[1] is not None and cookie is not None and len(cookie) > 30
    assert appended > 300  # the appending path was taken, not only the rewrite


def _reads_the_long_way(payload: str, now: float, policy: MeterPolicy):
    """The parse as a plain loop over every read, the reference for the
    one-read shortcut in ``_reads_of`` (which ``meter_load`` uses too, so the
    comparison above cannot catch a fault in it)."""
    reads, entries, in_order, last = {}, payload.split("-"), True, 0
    try:
        for entry in entries:
            story, _, first = entry.partition(":")
            story_id, read_at = int(story, 16), int(first, 16)
            if now - policy.period_seconds < read_at <= now + 300:
                reads[story_id] = read_at
            in_order, last = in_order and read_at >= last, read_at
    except ValueError:
        return None
    return reads, (last if in_order and len(reads) == len(entries) else -1)


def test_a_payload_of_one_read_parses_as_the_loop_parses_it():
    rng = random.Random(20261202)
    period = POLICY.period_seconds
    times = [NOW - period - 1, NOW - period, NOW - period + 1, NOW, NOW + 300, NOW + 301, 0]
    malformed = ["", ":", "7", "7:", ":6b0e", "7:zz", "zz:6b0e", "7:6b0e:1", " 7:6b0e"]
    for _ in range(3000):
        if rng.random() < 0.2:
            payload = rng.choice(malformed)
        else:
            payload = f"{rng.randrange(0, 300):x}:{rng.choice(times):x}"
            if rng.random() < 0.3:  # and a second read, through the loop
                payload += f"-{rng.randrange(0, 300):x}:{rng.choice(times):x}"
        expected = _reads_the_long_way(payload, NOW, POLICY)
        assert _reads_of(payload, NOW, POLICY) == expected, payload
