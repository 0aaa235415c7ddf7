"""The production sink: counting in Redis, shared by every web server.

One Lua script call per flushed batch of up to 2,000 views (atomic, one round
trip). For each view it checks the reader's last counted view of the item (a
key holding its time, so dedup follows the views' own clock); the counted
ones are then totalled per key inside the script, so a batch costs one
command per distinct (hour, item) rather than per view:

- ``ZINCRBY`` the item in the hour's sorted set (``<p>:h:<kind>:<hour>``) and,
  for a story, in its section's (``<p>:hs:<section>:<hour>``): Most Read is a
  ``ZUNIONSTORE`` of the window's hours;
- ``RPUSH`` the view onto ``<p>:log``, which the periodic aggregation drains
  into ``ReaderView`` rows (reading history);
- ``SADD`` the hour to ``<p>:hours``, the hours the aggregation copies into
  ``ViewCount`` rows.

Keys expire on their own (``keep_seconds``), so a Redis that nobody drains
stays bounded.
"""

from __future__ import annotations

import logging
import os
import time

from django.conf import settings

from .models import STORY

logger = logging.getLogger(__name__)

_SCRIPT = """
local p, dedup, keep = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local counts, hours, log = {}, {}, {}
for i = 4, #ARGV, 5 do
  local reader, kind, id, section, ts = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], tonumber(ARGV[i+4])
  local seen = p .. ':seen:' .. reader .. ':' .. kind .. id
  local last = redis.call('GET', seen)
  if (not last) or ts - tonumber(last) >= dedup then
    redis.call('SET', seen, ts, 'EX', dedup * 2)
    local hour = ts - ts % 3600
    hours[hour] = true
    local key = p .. ':h:' .. kind .. ':' .. hour
    counts[key] = counts[key] or {}
    counts[key][id] = (counts[key][id] or 0) + 1
    if section ~= '' then
      local skey = p .. ':hs:' .. section .. ':' .. hour
      counts[skey] = counts[skey] or {}
      counts[skey][id] = (counts[skey][id] or 0) + 1
    end
    log[#log + 1] = reader .. ' ' .. kind .. ' ' .. id .. ' ' .. ts
  end
end
for key, members in pairs(counts) do
  for id, n in pairs(members) do
    redis.call('ZINCRBY', key, n, id)
  end
  redis.call('EXPIRE', key, keep)
end
for hour in pairs(hours) do
  redis.call('SADD', p .. ':hours', hour)
end
if #log > 0 then
  redis.call('RPUSH', p .. ':log', unpack(log))
end
return #log
"""

_clients: dict[int, object] = {}
_sections: dict[int, tuple[float, int | None]] = {}
SECTION_TTL = 300.0
BATCH = 2000  # views per script call: bounds how long one call holds Redis


def client():
    """One Redis client per process (after a fork, a new one)."""
    pid = os.getpid()
    found = _clients.get(pid)
    if found is None:
        import redis

        _clients.clear()
        found = _clients[pid] = redis.Redis.from_url(settings.REDIS_URL)
    return found


def prefix() -> str:
    base = settings.CACHES["default"].get("KEY_PREFIX", "") or "masthead"
    return f"{base}:an"


def keep_seconds() -> int:
    """How long hourly sets live in Redis: the Most Read window plus two days' margin."""
    return int(getattr(settings, "MOST_READ_WINDOW_HOURS", 24)) * 3600 + 2 * 86400


def _section_of(story_ids: set[int]) -> dict[int, int | None]:
    """Sections of stories, cached in process for a few minutes (a query per miss batch)."""
    now = time.monotonic()
    missing = {i for i in story_ids if i not in _sections or _sections[i][0] < now}
    if missing:
        from .store_db import story_sections

        try:
            found = story_sections(missing)
        except Exception:  # the database is down: count without sections rather than drop
            logger.exception("Looking up story sections failed; counting site-wide only")
            found = {}
        for story_id in missing:
            _sections[story_id] = (now + SECTION_TTL, found.get(story_id))
    return {i: _sections[i][1] for i in story_ids}


def views_store(batch: list[tuple[str, str, int, float]]) -> int:
    from .store_db import dedup_seconds

    sections = _section_of({oid for _, kind, oid, _ in batch if kind == STORY})
    script = client().register_script(_SCRIPT)
    head = [prefix(), dedup_seconds(), keep_seconds()]
    counted = 0
    batch = sorted(batch, key=lambda view: view[3])
    for start in range(0, len(batch), BATCH):
        args = list(head)
        for reader, kind, object_id, ts in batch[start : start + BATCH]:
            section = sections.get(object_id) if kind == STORY else None
            args += [reader, kind, object_id, "" if section is None else section, int(ts)]
        counted += int(script(args=args))
    return counted
