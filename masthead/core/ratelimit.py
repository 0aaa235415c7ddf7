"""Fixed-window rate limits in the shared cache (Redis in production), so every
web process counts against the same limit.

Every form limits its submissions the same way, with one call after the form
is parsed::

    rate_limit(request, "wall", email=form.cleaned_data["email"], messages=WALL_LIMITS)

which counts the submission against the settings ``RATELIMIT_<FORM>_IP`` and
``RATELIMIT_<FORM>_EMAIL`` and raises ``RateLimited`` (``core.errors``) with
the reader-facing message of the first limit it is over.

A rate is "<count>/<period>", the period in seconds ("20/3600") or with a unit
("5/h", "30/10m"; s, m, h, d). Each call counts one attempt against every limit
it is given; on Redis all of them cost one round trip (a pipeline of INCR and
EXPIRE), where a general-purpose limiter makes two per limit.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from .degraded import degraded
from .errors import RateLimited

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Limit:
    scope: str  # what is limited, e.g. "wall:ip"
    key: str  # whom it counts, e.g. the client's address
    rate: str  # "<count>/<period>"


# The scopes a form can be limited by, in the order they are reported.
SCOPES = ("account", "ip", "email")

# What every form that emails a typed address says when it is stopped (the
# wall, the newsletter and series boxes). The per-address limit counts
# attempts, so it reads the same whatever the address has or takes.
EMAIL_FORM_LIMITS = {
    "ip": "Too many attempts from your connection. Please wait a few minutes and try again.",
    "email": (
        "We have already sent several emails to this address. "
        "Please check your inbox (and spam folder), or try again in an hour."
    ),
}


def rate_setting(form: str, scope: str) -> str:
    """The setting (and environment variable) holding a form's rate for a scope:
    ``RATELIMIT_<FORM>_<SCOPE>``, e.g. RATELIMIT_SIGNIN_LINK_EMAIL."""
    return f"RATELIMIT_{form.upper().replace('-', '_')}_{scope.upper()}"


def rate_limit(
    request: HttpRequest,
    form: str,
    *,
    email: str | None = None,
    account: bool = False,
    messages: Mapping[str, str],
) -> None:
    """Count one submission of ``form`` from this connection and, when given,
    for ``email`` and for the signed-in reader's ``account``; raise
    ``RateLimited`` with ``messages[scope]`` for the first limit it is over.
    The per-address limit counts attempts, not accounts, so it answers the
    same for an address with an account and one without."""
    keys = {
        "account": str(request.user.pk) if account else None,
        "ip": client_ip(request),
        "email": email.strip().lower() if email else None,
    }
    scopes = [scope for scope in SCOPES if keys[scope]]
    over = limits_exceeded(
        *(
            Limit(f"{form}:{scope}", keys[scope], getattr(settings, rate_setting(form, scope)))
            for scope in scopes
        )
    )
    for scope, exceeded in zip(scopes, over, strict=True):
        if exceeded:
            raise RateLimited(messages[scope])


def rate_limit_message(
    request: HttpRequest,
    form: str,
    *,
    email: str | None = None,
    account: bool = False,
    messages: Mapping[str, str],
) -> str:
    """``rate_limit`` for a view that shows the refusal inside its own answer
    (a box answered in place): the message, or "" when under every limit."""
    try:
        rate_limit(request, form, email=email, account=account, messages=messages)
    except RateLimited as refusal:
        return refusal.message
    return ""


def parse_rate(rate: str) -> tuple[int, int]:
    """``(count, seconds)`` for a rate such as "5/h", "30/10m" or "20/3600"."""
    match = _RATE.match(rate or "")
    if not match:
        raise ValueError(f"Not a rate: {rate!r} (expected e.g. 5/h, 30/10m or 20/3600)")
    count, number, unit = match.groups()
    if not number and not unit:
        unit = "m"  # "20/": per minute
    seconds = int(number or 1) * _UNIT_SECONDS[unit]
    if seconds <= 0:
        raise ValueError(f"Not a rate: {rate!r} (expected e.g. 5/h, 30/10m or 20/3600)")
    return int(count), seconds


def _cache_key(limit: Limit, period: int, now: float) -> str:
    digest = hashlib.sha256(f"{limit.scope}|{limit.key}".encode()).hexdigest()[:32]
    return f"rl:{digest}:{period}:{int(now) // period}"


def limits_exceeded(*limits: Limit) -> list[bool]:
    """Count one attempt against each limit; for each, whether its window is now over."""
    from django.core.cache.backends.redis import RedisCache

    now = time.time()
    windows = []  # (cache key, allowed count, period) per limit
    for limit in limits:
        allowed, period = parse_rate(limit.rate)
        windows.append((_cache_key(limit, period, now), allowed, period))
    cache = caches["default"]
    try:
        if isinstance(cache, RedisCache):
            counts = _count_in_redis(cache, windows)
        else:
            counts = [_count_in_cache(cache, key, period) for key, _, period in windows]
    except Exception as exc:  # the counters are down: let readers through, not fail the form
        degraded("ratelimit", f"rate-limit counters unavailable ({exc.__class__.__name__}); "
                 "not limiting")  # fmt: skip
        return [False] * len(windows)
    return [
        allowed > 0 and count > allowed
        for (_, allowed, _), count in zip(windows, counts, strict=True)
    ]


def _count_in_redis(cache, windows: list[tuple[str, int, int]]) -> list[int]:
    pipe = cache._cache.get_client(write=True).pipeline(transaction=False)
    for key, _, period in windows:
        full_key = cache.make_and_validate_key(key)
        pipe.incr(full_key)
        pipe.expire(full_key, period + 1)
    results = pipe.execute()
    return [int(count) for count in results[::2]]


def _count_in_cache(cache, key: str, period: int) -> int:
    cache.add(key, 0, timeout=period + 1)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        return 1


def client_ip(request: HttpRequest) -> str:
    """Whom a per-connection limit counts: the reader's IPv4 address, or the /64
    network of an IPv6 one (one subscriber line gets a whole /64, so counting
    single addresses would give it millions of fresh allowances). Behind a
    trusted proxy, the last hop it recorded."""
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            address = forwarded.split(",")[-1].strip()
    if ":" in address:
        try:
            return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
        except ValueError:
            pass
    return address or "unknown"
