"""The compiled meter (``_fastmeter.c``) answers as the Python meter does.

``meter._decide`` is the meter's definition; the C ``Signer.decide`` either
gives its exact answer or none (``None``: Python decides). These tests hold
it to that over many thousands of meters, well-formed and not, and hold its
BLAKE2b to ``hashlib``'s.
"""

from __future__ import annotations

import base64
import hashlib
import random
import shutil
import sysconfig
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import time_machine
from django.test import override_settings

from masthead.metering import meter
from masthead.metering.meter import (
    MAX_ENTRIES,
    Meter,
    MeterPolicy,
    _decide,
    _key,
    _keyed,
    _mac,
    meter_decide,
    meter_dump,
    meter_hit,
)

NOW = 1_800_000_000.25
SECRET = "the compiled meter's test secret, long enough to be a real one"

needs_c = pytest.mark.skipif(meter.Signer is None, reason="the C meter was not built")


def _compiler() -> str | None:
    command = (sysconfig.get_config_var("CC") or "").split()
    return shutil.which(command[0]) if command else None


def test_the_c_meter_is_built_where_a_compiler_is():
    """An install with a compiler must build it: a silent fallback to Python
    would leave every test below skipped and the hot path slow."""
    if _compiler() is None:
        pytest.skip("no C compiler: the install runs the meter in Python")
    assert meter.Signer is not None


@needs_c
def test_its_mac_is_keyed_blake2b_for_every_length_and_key():
    rng = random.Random(17)
    keys = [bytes(rng.randrange(256) for _ in range(n)) for n in (1, 16, 32, 63, 64)]
    for key in keys:
        signer = meter.Signer(key)
        for length in range(1, 401):
            payload = bytes(rng.randrange(256) for _ in range(length))
            digest = hashlib.blake2b(payload, key=key, digest_size=12).digest()
            assert signer.mac(payload) == base64.urlsafe_b64encode(digest).decode(), (key, length)


@needs_c
def test_its_mac_is_the_meters():
    assert meter.Signer(_key(SECRET)).mac(b"1.7:6765c0aa") == _mac("1.7:6765c0aa", _keyed(SECRET))


@needs_c
@pytest.mark.parametrize("key", [b"", bytes(65)])
def test_a_key_blake2b_cannot_take_is_refused(key):
    with pytest.raises(ValueError, match="1 to 64 bytes"):
        meter.Signer(key)


def _signed(payload: str) -> str:
    signed = "1." + payload
    return f"{signed}.{_mac(signed, _keyed(SECRET))}"


def _hostile(rng: random.Random, cookie: str) -> str:
    """The cookie bent one way a forger or a broken client might bend it."""
    bends = [
        lambda c: c[:-1],  # a MAC one character short
        lambda c: c + "A",  # one long
        lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"),  # one character wrong
        lambda c: c.replace("1.", "2.", 1),  # another version
        lambda c: c.replace(".", "", 1),  # no version dot
        lambda c: c.upper(),
        lambda c: c + "\xe9",  # non-ASCII
        lambda c: "\xa0" + c,
        lambda c: c.replace(":", "::", 1),
        lambda c: "1." + "a" * 4100,
        lambda c: "",
        lambda c: ".",
        lambda c: "1..",
        lambda c: "1." + c.rpartition(".")[2],
    ]
    return rng.choice(bends)(cookie)


def _payload(rng: random.Random, period: int) -> str:
    """Reads as ``meter_dump`` writes them, or bent: out of order, expired, ahead
    of the clock, repeated, in odd hex, empty entries, huge numbers."""
    offsets = [
        -period - 5,
        -period,
        -period + 1,
        -86400,
        -600,
        -60,
        -1,
        0,
        1,
        2,
        200,
        300,
        301,
        900,
    ]
    count = rng.choice([0, 1, 1, 1, 2, 2, 3, 5, 8])
    if rng.random() < 0.03:
        count = rng.choice([MAX_ENTRIES - 1, MAX_ENTRIES, MAX_ENTRIES + 1])
    entries = []
    at = int(NOW) - period + 10
    for _ in range(count):
        story = rng.randrange(1, 12)
        if rng.random() < 0.9:  # in order, in the period: the common meter
            at = rng.randrange(min(at, int(NOW)), int(NOW) + 1)
        else:
            at = int(NOW) + rng.choice(offsets)
        entries.append(f"{story:x}:{at:x}")
    if entries and rng.random() < 0.15:
        n = rng.randrange(len(entries))
        entries[n] = rng.choice(
            [
                "", ":", "7", "7:", ":6b0e", "7:zz", "0x7:6b0e1", "7:6b0e:1", " 7:6b0e", "7_1:6b0e",
                "+7:6b0e", "7:-1", "A:6B0E0000", "0007:" + f"{int(NOW):x}", "f" * 14 + ":1",
                "1:" + "f" * 14, "1:" + "0" * 13 + f"{int(NOW):x}", "1:" + f"{int(NOW) - 5:x}0",
            ]
        )  # fmt: skip
    payload = "-".join(entries)
    if rng.random() < 0.05:
        payload += "-"
    return payload


@needs_c
def test_it_decides_every_meter_as_python_does_or_leaves_it_to_python():
    rng = random.Random(20261201)
    signer = meter.Signer(_key(SECRET))
    keyed = _keyed(SECRET)
    taken: dict[str, int] = {"first": 0, "append": 0, "free": 0, "walled": 0, "left": 0}
    for _ in range(20_000):
        policy = MeterPolicy(
            allowance=rng.choice([0, 1, 2, 3, 5, 10, MAX_ENTRIES, 500]),
            period_days=rng.choice([1, 30]),
        )
        cookie = _signed(_payload(rng, policy.period_seconds))
        roll = rng.random()
        if roll < 0.1:
            cookie = None
        elif roll < 0.3:
            cookie = _hostile(rng, cookie)
        story = rng.choice([rng.randrange(1, 12)] * 6 + [2**40, 2**52 - 1, 2**52, 2**63])
        now = NOW + rng.choice([0, 0, 0, -0.25, 0.5, 0.999, -3600, 86400 * 40])  # -0.25: whole
        expected = _decide(cookie, story, policy, now, keyed)
        answer = signer.decide(cookie, story, now, policy.period_seconds, policy.limit)
        if answer is None:
            taken["left"] += 1
            continue
        assert answer == expected, (cookie, story, now, policy)
        allowed, value = answer
        if value is not None:
            reads = value.rpartition(".")[0]  # (a MAC may hold a "-")
            taken["append" if "-" in reads else "first"] += 1
        else:
            taken["free" if allowed else "walled"] += 1
    # Each path is taken in C many times, and the odd meters go back to Python.
    assert min(taken.values()) > 300, taken


@needs_c
def test_the_common_meters_are_decided_in_c():
    signer = meter.Signer(_key(SECRET))
    policy = MeterPolicy(allowance=3, period_days=30)
    at = int(NOW) - 60
    one = _signed(f"2:{at:x}")
    three = meter_dump(Meter(reads={2: at, 3: at + 1, 4: at + 2}), _keyed(SECRET))
    for cookie, story in ((None, 7), (one, 7), (one, 2), (three, 7), (three, 3)):
        assert signer.decide(cookie, story, NOW, policy.period_seconds, policy.limit) is not None


@needs_c
def test_a_story_id_or_time_it_cannot_write_goes_back_to_python():
    signer = meter.Signer(_key(SECRET))
    for story, now in ((-1, NOW), (2**52, NOW), (7, -1.0), (7, float("nan")), (7, 2.0**53)):
        assert signer.decide(None, story, now, 86400, 3) is None
    with pytest.raises(TypeError):
        signer.decide(None, 7, NOW, 86400)


class _Index:
    def __index__(self):
        return 3


class _Float(float):
    def __int__(self):
        return 5


class _Int(int):
    def __eq__(self, other):
        return False

    __hash__ = int.__hash__


class _Str(str):
    def rpartition(self, sep):
        return ("", "", str(self))


@needs_c
@pytest.mark.parametrize(
    "args",
    [
        (None, 7, Fraction(1_800_000_000 * 10**20 - 1, 10**20), 86400, 3),  # rounds up as a float
        (None, 7, Decimal("1799999999.99999999999999"), 86400, 3),
        (None, 7, _Float(NOW), 86400, 3),
        (None, _Int(7), NOW, 86400, 3),
        (_Str("1.7:6b49d200.AAAAAAAAAAAAAAAA"), 7, NOW, 86400, 3),
        (None, 7, NOW, 86400.0, 3),
        (None, 7, NOW, 86400, 3.0),
        (None, 2**64, NOW, 86400, _Index()),
        (None, "7", NOW, 86400, 3),
        (None, True, NOW, 86400, 3),
        (None, 7, 2**60, 86400, 3),
        (None, 7, 2**63 - 1, 86400, 3),  # a time that would round past a long long
        (None, 7, -1, 86400, 3),
        (None, 7, NOW, 2**70, 3),
    ],
)
def test_an_argument_of_another_type_or_range_is_left_to_python(args):
    """Only the exact types the meter passes are read in C: a subclass could
    answer ``int()``, ``==`` or ``rpartition`` otherwise than the value C
    reads, and a Decimal or a Fraction rounds where ``int(now)`` truncates."""
    assert meter.Signer(_key(SECRET)).decide(*args) is None


@needs_c
def test_a_signer_made_without_its_key_refuses_to_sign():
    unkeyed = meter.Signer.__new__(meter.Signer)
    with pytest.raises(ValueError, match="before Signer"):
        unkeyed.decide(None, 7, NOW, 86400, 3)
    with pytest.raises(ValueError, match="before Signer"):
        unkeyed.mac(b"1.7:6b49d200")


@needs_c
def test_the_built_extension_is_of_the_source_beside_it():
    """An optional build that failed leaves the last binary in place with only
    a warning: this fails until the extension is rebuilt from its source."""
    from masthead.metering import _fastmeter

    source = Path(meter.__file__).with_name("_fastmeter.c").read_bytes()
    assert _fastmeter.__source_sha256__ == hashlib.sha256(source).hexdigest(), (
        "masthead/metering/_fastmeter.c changed since the extension was built: "
        "pip install -e . again"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("compiled", [True, False], ids=["c", "python"])
def test_meter_decide_and_meter_hit_answer_alike_either_way(compiled, settings):
    """The public calls give the same bytes with the C meter on and off."""
    settings.SECRET_KEY = SECRET
    settings.METER_COMPILED = compiled
    assert (meter._hit_settings_load()[2] is not None) == (compiled and meter.Signer is not None)
    policy = MeterPolicy(allowance=3, period_days=30)
    first = meter_decide(None, 7, policy=policy, now=NOW)
    assert first == (True, _signed(f"7:{int(NOW):x}"))
    second = meter_decide(first[1], 9, policy=policy, now=NOW + 1)
    assert second == (True, _signed(f"7:{int(NOW):x}-9:{int(NOW) + 1:x}"))
    with time_machine.travel(NOW + 2, tick=False):
        allowed, header = meter_hit({meter.METER_COOKIE: second[1]}, 7)
    assert allowed is True and header is None  # read in the period: free, nothing to set


@needs_c
@override_settings(SECRET_KEY=SECRET)
def test_the_compiled_meter_follows_a_new_secret_key():
    policy = MeterPolicy(allowance=3, period_days=30)
    cookie = meter_decide(None, 7, policy=policy, now=NOW)[1]
    with override_settings(SECRET_KEY=SECRET + " rotated"):
        # the old key's cookie is no meter under the new one: a first read again
        assert meter_decide(cookie, 9, policy=policy, now=NOW)[1].startswith(f"1.9:{int(NOW):x}.")


@needs_c
def test_any_string_at_all_is_decided_as_python_does_or_left_to_it():
    """Random strings over the meter's own characters and a few others (the
    parser's every branch, and never a crash): the C answer is Python's or none."""
    rng = random.Random(5)
    signer = meter.Signer(_key(SECRET))
    keyed = _keyed(SECRET)
    policy = MeterPolicy(allowance=5, period_days=30)
    alphabet = "0123456789abcdef:-.1" * 3 + "xAF _+\x00\xff\u20ac"
    for _ in range(5_000):
        payload = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60)))
        for cookie in (payload, _signed(payload), "1." + payload):
            answer = signer.decide(cookie, 7, NOW, policy.period_seconds, policy.limit)
            assert answer is None or answer == _decide(cookie, 7, policy, NOW, keyed), cookie


def test_a_wheel_builds_without_a_c_compiler(tmp_path):
    """The extension is optional: with no compiler, the wheel builds without it
    (and the meter runs in Python, with the same answers: the tests above with
    ``METER_COMPILED`` off). Built from a clean copy of the source, so that no
    extension already built in place can slip in; pip fetches the build's
    setuptools from the package index, as any install does."""
    import os
    import subprocess
    import sys
    import zipfile

    root = Path(__file__).resolve().parents[2]
    source = tmp_path / "source"
    for name in ("pyproject.toml", "setup.py", "README.md"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / name, source / name)
    shutil.copytree(
        root / "masthead", source / "masthead", ignore=shutil.ignore_patterns("*.so", "__pycache__")
    )
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "wheel"),
         str(source)],
        env={**os.environ, "CC": "/nonexistent/cc", "LDSHARED": "/nonexistent/cc"},
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = (tmp_path / "wheel").glob("masthead-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "masthead/metering/meter.py" in names
    assert not [n for n in names if n.endswith((".so", ".pyd"))], names
