"""Who is reading: a reader key from the account or the meter cookie, and bots.

The reader key identifies a reader for deduplicating reloads and for their
reading history ("Your Three"), without storing anything that names them:

- a signed-in reader is ``u<user id>``;
- an anonymous reader is a keyed hash of their meter cookie's oldest read
  (story and second) and their user agent. The meter cookie is the only
  identifier an anonymous reader already carries; its oldest entry stays put
  while newer reads are added, so the key is stable until that read leaves
  the meter's period (30 days by default), then moves to the next oldest.
  A reader with no meter cookie yet is keyed on the entry the meter is about
  to write (this story, this second), so their first reload still dedups.
  Two readers whose first metered read was the same story in the same second
  with the same browser share a key: their reloads of one story count once.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from django.conf import settings

METER_COOKIE_MAX = 4000  # a longer meter cookie is not read (no oldest read)
USER_AGENT_KEPT = 300  # the part of the user agent a reader key is derived from


@lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """True for crawlers, spiders, monitors and HTTP libraries (and an empty agent).

    The patterns are the ``crawler-user-agents`` project's list (hundreds of
    regular expressions, kept up to date by its community); the answer is
    cached per agent string, since a site sees a few thousand distinct ones.
    """
    if not user_agent:
        return True
    import crawleruseragents

    return bool(crawleruseragents.is_crawler(user_agent))


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return hashlib.blake2b(secret.encode(), digest_size=32, person=b"masthead-reader").digest()


def _hashed(material: str) -> str:
    digest = hashlib.blake2b(
        material.encode(), key=_key(settings.SECRET_KEY), digest_size=12
    ).hexdigest()
    return "a" + digest


def meter_oldest_read(cookie_value: str | None) -> str | None:
    """The oldest ``<story hex>:<time hex>`` entry of a meter cookie, unverified.

    Unverified on purpose: the key only groups views, and anyone can already
    choose theirs by sending no cookie; checking the MAC would double the cost.
    """
    if not cookie_value or len(cookie_value) > METER_COOKIE_MAX:
        return None
    parts = cookie_value.split(".", 2)
    if len(parts) != 3 or not parts[1]:
        return None
    return parts[1].split("-", 1)[0][:40]


def reader_key(
    *, user_id: int | None, meter_cookie: str | None, user_agent: str, story_id: int | None,
    now: float,
) -> str:  # fmt: skip
    """The reader key for a view (see the module docstring)."""
    if user_id is not None:
        return f"u{user_id}"
    oldest = meter_oldest_read(meter_cookie)
    if oldest is None:
        oldest = f"{story_id or 0:x}:{int(now):x}"
    return _hashed(f"{oldest}|{user_agent[:USER_AGENT_KEPT]}")


def request_reader_key(request, *, story_id: int | None = None, now: float) -> str:
    """The reader key of a Django request (signed-in or not)."""
    from masthead.metering.meter import METER_COOKIE

    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else None
    return reader_key(
        user_id=user_id,
        meter_cookie=request.COOKIES.get(METER_COOKIE),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        story_id=story_id,
        now=now,
    )
