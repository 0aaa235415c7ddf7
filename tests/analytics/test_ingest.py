"""The view buffer: what a hit leaves for the flush thread, and what the flush makes of it."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from masthead.analytics import hits, ingest
from masthead.analytics.ingest import view_note, views_dropped, views_flush, views_prepare
from masthead.analytics.models import STORY, VIDEO, ReaderView
from masthead.analytics.readers import reader_key
from masthead.metering.meter import METER_COOKIE
from tests.analytics.counts import BROWSER_UA, drain
from tests.content.factories import publish_story

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC).timestamp()
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def hit(story_id: int, *, agent: str = BROWSER_UA, meter: str | None = None) -> None:
    environ = {"REQUEST_METHOD": "GET", "HTTP_USER_AGENT": agent}
    hits.pagecache_hit(environ, story_id, {METER_COOKIE: meter} if meter else {})


def test_the_hit_only_buffers_raw_material_and_the_flush_derives_the_key(monkeypatch):
    """No hashing and no bot check on the request: both happen at flush."""
    calls = []
    monkeypatch.setattr(ingest, "reader_key", lambda **kw: calls.append(kw) or "a-key")
    hit(7, meter="1.7:65f0a0c0.mac")
    assert calls == []
    assert ingest._buffer[0][:5] == (None, "1.7:65f0a0c0.mac", BROWSER_UA, STORY, 7)
    prepared = views_prepare(ingest._buffer[:])
    assert [view[:3] for view in prepared] == [("a-key", STORY, 7)]
    assert calls[0]["meter_cookie"] == "1.7:65f0a0c0.mac"


def test_reloads_in_one_second_reach_the_sink_as_one_view():
    raw = [(None, None, BROWSER_UA, STORY, 7, NOON + n / 1000) for n in range(1000)]
    raw.append((None, "1.7:65f0a0c0.mac", BROWSER_UA, STORY, 7, NOON + 0.5))  # another reader
    raw.append((None, None, BROWSER_UA, STORY, 7, NOON + 1.0))  # the next second: kept
    prepared = views_prepare(raw)
    assert [(kind, oid, ts) for _, kind, oid, ts in prepared] == [
        (STORY, 7, NOON),
        (STORY, 7, NOON),
        (STORY, 7, NOON + 1),
    ]
    assert len({reader for reader, *_ in prepared}) == 3  # the no-cookie key follows the second


def test_bots_are_dropped_at_flush_and_agentless_requests_at_the_hit():
    hit(7, agent=GOOGLEBOT)
    hit(7, agent="")
    assert len(ingest._buffer) == 1  # the crawler is buffered, the empty agent is not
    assert views_prepare(ingest._buffer[:]) == []


def test_long_agents_and_meter_cookies_are_kept_short_with_the_same_reader_key():
    agent = BROWSER_UA + " Extension/" + "x" * 600
    reads = "-".join(f"{n:x}:{1_700_000_000 + n:x}" for n in range(1, 60))
    meter = f"1.{reads}.mac"
    hit(9, agent=agent, meter=meter)
    hit(9, agent=GOOGLEBOT + " " + "y" * 600)  # a long crawler agent: checked on the hit
    assert len(ingest._buffer) == 1
    _, kept_meter, kept_agent, *_ = ingest._buffer[0]
    assert len(kept_agent) == 300 and len(kept_meter) < 40
    [(reader, *_)] = views_prepare(ingest._buffer[:])
    expected = reader_key(
        user_id=None, meter_cookie=meter, user_agent=agent, story_id=9, now=ingest._buffer[0][5]
    )
    assert reader == expected


def test_the_buffer_is_bounded_and_counts_what_it_drops(monkeypatch):
    monkeypatch.setattr(ingest, "MAX_BUFFER", 5)
    before = views_dropped()
    for _ in range(8):
        hit(7)
    assert len(ingest._buffer) == 5
    assert views_dropped() - before == 3


def test_a_forked_child_starts_with_an_empty_buffer():
    """The parent flushes what it buffered; the child must not count it again."""
    view_note(None, None, BROWSER_UA, VIDEO, 3, NOON)
    pid = os.fork()
    if pid == 0:  # the child
        os._exit(0 if not ingest._buffer and not ingest._state["flushing"] else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert len(ingest._buffer) == 1


@pytest.mark.django_db
def test_a_reload_storm_on_cached_hits_counts_once_per_reader(section):
    story = publish_story(section, title="Stormed")
    for _ in range(500):
        hit(story.pk, meter="1.5:65f0a0c0.mac")
    hit(story.pk, meter="1.6:65f0a0c0.mac")
    assert views_flush() == 2
    drain()
    assert ReaderView.objects.filter(object_id=story.pk).count() == 2
