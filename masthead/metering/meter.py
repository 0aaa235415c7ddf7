"""The anonymous meter: which stories a reader without an account has read lately.

It lives entirely in a signed cookie, so deciding "whole or walled" for an
anonymous reader needs no session and no database: the WSGI fast path calls
``meter_decide`` (``meter_load``, ``meter_check`` and ``meter_dump`` in one)
on every cached story hit.
That is why this module is pure and cheap (a keyed BLAKE2b MAC, hex integers;
a few microseconds per call) rather than ``django.core.signing`` (JSON, zlib,
base64 and HMAC-SHA256: several times slower).

This module is the meter's definition. The hot path's common cases are also
compiled (``_fastmeter.c``, decision 0017): where the extension was built and
``METER_COMPILED`` is on, ``meter_decide`` and ``meter_hit`` ask it first and
fall back to ``_decide`` for any meter it leaves undecided; tests hold the
two to the same answers.

Cookie format (cookie-safe characters only, no quoting needed)::

    1.<story id hex>:<first read unix time hex>-<...>.<mac>

A forged, truncated or foreign-key cookie loads as an empty meter; reads older
than the rolling period drop out when loaded, which is what makes the period
rolling rather than calendar-based.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter

from django.conf import settings
from django.core.signals import setting_changed

from masthead.core.cookies import set_cookie_value

try:
    from ._fastmeter import Signer
except ImportError:  # built without a C compiler: the meter runs in Python alone
    Signer = None

METER_COOKIE = "mh_meter"
_VERSION = "1"
_PREFIX = _VERSION + "."  # what every signed payload starts with
# A meter never needs more entries than the allowance; this bounds the cookie
# (and the work of parsing it) whatever an editor sets the allowance to.
MAX_ENTRIES = 100
# Reads stamped further in the future than this are distrusted (clock skew
# between web servers is tolerated, a doctored clock is not).
_FUTURE_SLACK = 300


@dataclass(frozen=True)
class MeterPolicy:
    allowance: int
    period_days: int
    # Derived once, not per hit: the hot path reads both on every story.
    period_seconds: int = field(init=False, compare=False, repr=False)
    limit: int = field(init=False, compare=False, repr=False)  # reads a cookie may hold

    def __post_init__(self) -> None:
        object.__setattr__(self, "period_seconds", self.period_days * 86400)
        object.__setattr__(self, "limit", min(self.allowance, MAX_ENTRIES))


@dataclass
class Meter:
    reads: dict[int, int] = field(default_factory=dict)  # story id -> first read (unix time)


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    # Derived, not the raw secret: a leaked meter MAC says nothing about other signatures.
    return hashlib.blake2b(secret.encode(), digest_size=32, person=b"masthead-meter").digest()


@lru_cache(maxsize=4)
def _keyed(secret: str):
    """A BLAKE2b state with the key already absorbed: copying it costs a fraction
    of a keyed constructor, which compresses a whole key block on every call."""
    return hashlib.blake2b(key=_key(secret), digest_size=12)


Decide = Callable[[str | None, int, float, int, int], tuple[bool, str | None] | None]


def _compiled(secret: str) -> Decide | None:
    """The compiled meter's ``decide`` for ``secret``'s key, or None (not built,
    or ``METER_COMPILED`` off)."""
    if Signer is None or not getattr(settings, "METER_COMPILED", True):
        return None
    return _signer(secret).decide


@lru_cache(maxsize=4)
def _signer(secret: str):
    return Signer(_key(secret))


# base64's urlsafe alphabet, applied to binascii's output directly: the
# ``base64`` module's two layers of Python calls cost more than the encoding.
_URLSAFE = bytes.maketrans(b"+/", b"-_")


def _mac(payload: str, keyed: hashlib.blake2b | None = None) -> str:
    """The MAC of ``payload``; ``keyed`` is ``_keyed(SECRET_KEY)`` when the caller
    already has it (one settings lookup per hit, not one per MAC)."""
    state = (keyed or _keyed(settings.SECRET_KEY)).copy()
    state.update(payload.encode())
    return _encoded(state.digest())


def _encoded(digest: bytes) -> str:
    return binascii.b2a_base64(digest, newline=False).translate(_URLSAFE).decode()


def meter_load(
    cookie_value: str | None,
    *,
    now: float,
    policy: MeterPolicy,
    keyed: hashlib.blake2b | None = None,
) -> Meter:
    """The meter a cookie carries, with reads outside the rolling period dropped."""
    verified = _verified(cookie_value, keyed or _keyed(settings.SECRET_KEY))
    payload = verified[0][len(_PREFIX) :] if verified is not None else None
    parsed = _reads_of(payload, now, policy) if payload else None
    return Meter(reads=parsed[0] if parsed is not None else {})


def _verified(
    cookie_value: str | None, keyed: hashlib.blake2b
) -> tuple[str, hashlib.blake2b] | None:
    """The cookie's signed part and the keyed state that has absorbed it, if its
    MAC is ours. The state is what signing that part with a new read appended
    continues from (``meter_decide``): the old bytes are not hashed twice."""
    if not cookie_value or len(cookie_value) > 4000:
        return None
    signed, _, mac = cookie_value.rpartition(".")
    if signed[: len(_PREFIX)] != _PREFIX or not mac.isascii():
        return None  # (compare_digest raises on a non-ASCII string: a 500, not a no)
    state = keyed.copy()
    state.update(signed.encode())
    if not hmac.compare_digest(mac, _encoded(state.digest())):
        return None
    return signed, state


def _reads_of(payload: str, now: float, policy: MeterPolicy) -> tuple[dict[int, int], int] | None:
    """The payload's reads inside the period (None if it does not parse), and the
    newest of them if the payload is exactly those reads, oldest first (-1
    otherwise): then a new read may be appended to it as it stands
    (``meter_decide``)."""
    oldest = now - policy.period_seconds
    newest = now + _FUTURE_SLACK
    if "-" not in payload:  # one read: the loop below, unrolled for the commonest meter
        story, _, first = payload.partition(":")
        try:
            story_id, read_at = int(story, 16), int(first, 16)
        except ValueError:
            return None
        if oldest < read_at <= newest:
            return {story_id: read_at}, read_at
        return {}, -1
    reads: dict[int, int] = {}
    entries = payload.split("-")
    in_order, last = True, 0
    try:
        for entry in entries:
            story, _, first = entry.partition(":")
            story_id, read_at = int(story, 16), int(first, 16)
            if oldest < read_at <= newest:
                reads[story_id] = read_at
            if read_at < last:
                in_order = False
            last = read_at
    except ValueError:
        return None
    return reads, (last if in_order and len(reads) == len(entries) else -1)


def meter_check(
    meter: Meter, story_id: int, *, now: float, policy: MeterPolicy
) -> tuple[bool, bool]:
    """``(allowed, changed)`` for reading ``story_id`` now.

    A story already read in the period is free again; otherwise it is allowed
    (and recorded, so ``changed``) while the reader is under the allowance.
    """
    if story_id in meter.reads:
        return True, False
    if len(meter.reads) < min(policy.allowance, MAX_ENTRIES):
        meter.reads[story_id] = int(now)
        return True, True
    return False, False


_read_at = itemgetter(1)


def meter_dump(meter: Meter, keyed: hashlib.blake2b | None = None) -> str:
    """The signed cookie value for ``meter`` (newest reads kept if over the cap)."""
    items = sorted(meter.reads.items(), key=_read_at)[-MAX_ENTRIES:]
    signed = _VERSION + "." + "-".join([f"{story:x}:{read_at:x}" for story, read_at in items])
    return signed + "." + _mac(signed, keyed)


def meter_decide(
    cookie_value: str | None, story_id: int, *, policy: MeterPolicy, now: float | None = None
) -> tuple[bool, str | None]:
    """One call for the hot path: ``(allowed, new cookie value or None if unchanged)``.

    What ``meter_load``, ``meter_check`` and ``meter_dump`` answer together (a
    test compares them over thousands of meters), in fewer steps, since every
    cached story hit pays for them: no ``Meter`` is built, and a reader under
    the allowance whose cookie holds only reads still in the period, oldest
    first (nearly every reader), gets that cookie with the new read appended,
    the bytes ``meter_dump`` would write without formatting every read again,
    signed by continuing the hash that verified the cookie.
    """
    now = time.time() if now is None else now
    compiled = _compiled(settings.SECRET_KEY)
    if compiled is not None:
        decided = compiled(cookie_value, story_id, now, policy.period_seconds, policy.limit)
        if decided is not None:
            return decided
    return _decide(cookie_value, story_id, policy, now, _keyed(settings.SECRET_KEY))


def _decide(
    cookie_value: str | None, story_id: int, policy: MeterPolicy, now: float,
    keyed: hashlib.blake2b,
) -> tuple[bool, str | None]:  # fmt: skip
    """``meter_decide`` with what the caller already holds: the page cache's hit
    keeps the keyed state per process (``meter_hit``)."""
    limit = policy.limit
    verified = _verified(cookie_value, keyed)
    parsed = None
    if verified is not None and len(verified[0]) > len(_PREFIX):
        parsed = _reads_of(verified[0][len(_PREFIX) :], now, policy)
    if parsed is None:  # no meter (or not ours, or empty): this read is the first
        if limit < 1:
            return False, None
        # %-formatting: a third of what f"{n:x}" costs, the same characters
        signed = _PREFIX + "%x:%x" % (story_id, int(now))  # noqa: UP031
        return True, signed + "." + _mac(signed, keyed)
    reads, newest = parsed
    if story_id in reads:
        return True, None  # read in the period already: free again
    if len(reads) >= limit:
        return False, None
    read_at = int(now)
    if read_at >= newest >= 0:
        signed, state = verified
        read = "-%x:%x" % (story_id, read_at)  # noqa: UP031
        state.update(read.encode())
        return True, f"{signed}{read}.{_encoded(state.digest())}"
    reads[story_id] = read_at
    return True, meter_dump(Meter(reads=reads), keyed)


def meter_cookie_kwargs(policy: MeterPolicy) -> dict:
    """Attributes for ``response.set_cookie(METER_COOKIE, value, **kwargs)``."""
    return {
        "max_age": policy.period_seconds,
        "httponly": True,
        "samesite": "Lax",
        "secure": settings.SESSION_COOKIE_SECURE,
        "path": "/",
    }


# --- the policy, from the editor's site settings -----------------------------
#
# One source for both paths: the site settings row, through the process's copy
# that is kept per content generation (``SiteSettings.shared``). A save bumps
# the generation after its commit, so the page cache's hits and Django's
# renders obey a new allowance from the next request on, in every process.

# (the settings object the policy was made from, the policy): one tuple, replaced
# whole, so that two threads can never pair one's settings with the other's policy
_memo: list = [(None, None)]
_site_settings: list = []  # SiteSettings, imported on first use (core's models load after us)


def meter_policy() -> MeterPolicy:
    """The anonymous meter policy now in force (no query while the generation holds)."""
    if not _site_settings:
        from masthead.core.models import SiteSettings

        _site_settings.append(SiteSettings)
    site = _site_settings[0].shared()
    made_from, policy = _memo[0]
    if made_from is not site:
        policy = MeterPolicy(allowance=site.meter_allowance, period_days=site.meter_period_days)
        _memo[0] = (site, policy)
    return policy


# The two settings a cached story hit reads, kept here: a lookup through
# Django's lazy settings object costs more than the rest of a first read's
# signing. Emptied when a test overrides either.
_hit_settings: dict = {}


def _settings_changed(*, setting: str, **kwargs) -> None:
    if setting in ("SECRET_KEY", "SESSION_COOKIE_SECURE", "METER_COMPILED"):
        _hit_settings.clear()


setting_changed.connect(_settings_changed)


def meter_hit(cookies: dict[str, str], story_id: int) -> tuple[bool, str | None]:
    """The page cache's one call into the meter, for an anonymous reader of a cached story.

    Returns (whole story allowed, value of the Set-Cookie header to send or
    None when the meter did not change). Same policy and arithmetic as the
    Django path (``access.story_access``).
    """
    policy = meter_policy()
    keyed, secure, compiled = _hit_settings.get("now") or _hit_settings_load()
    cookie, now = cookies.get(METER_COOKIE), time.time()
    decided = (
        compiled(cookie, story_id, now, policy.period_seconds, policy.limit)
        if compiled is not None
        else None
    )
    allowed, value = decided or _decide(cookie, story_id, policy, now, keyed)
    if value is None:
        return allowed, None
    return allowed, set_cookie_value(
        METER_COOKIE, value, max_age=policy.period_seconds, secure=secure, httponly=True,
        samesite="Lax",
    )  # fmt: skip


def _hit_settings_load() -> tuple[hashlib.blake2b, bool, Decide | None]:
    secret = settings.SECRET_KEY
    loaded = (_keyed(secret), settings.SESSION_COOKIE_SECURE, _compiled(secret))
    _hit_settings["now"] = loaded
    return loaded
