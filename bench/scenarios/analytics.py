"""View recording: its cost to the cached story page, and ingestion rates.

- ``story recorded``: the cached story page for a browser (a real
  ``User-Agent``): every hit is recorded (its raw material buffered in the
  process, prepared and flushed each second to Redis or the database).
  Interleaved with ``story`` (wrk's requests carry no ``User-Agent``, which
  the recorder treats as a bot and drops at its first check: that is
  "recording off", one function call from no recorder at all; the ``hit
  cost`` note measures both calls). Goal: >= 0.90 of it.
- ``views, new readers``: the same page, each request a new reader (a
  different meter cookie), so each one is a distinct view that is counted;
  its requests per second are views ingested per second through the real
  HTTP path.
- The ingest function alone (``view_record`` then ``views_flush`` into the
  server's sink, deduplication included): views per second, in the notes.
  Goal: >= 10,000 views/s.
- ``most-read fragment``: what the after-load request for Most Read costs
  (kept by the page cache per process for its ``s-maxage``; Django once per
  expiry per process).
- The offline evaluation of recommendations (``bench/recsys_eval.py``), in
  the notes: hit rate at 3 against popularity and random baselines.
"""

from __future__ import annotations

from . import Context, Run

ORDER = 25
CONCURRENCY = (16, 64)
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36"
)

_NEW_READERS = r"""
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  counter = 0
  math.randomseed(os.time() + (tid or 0) * 7919)
end
function request()
  counter = counter + 1
  local cookie = string.format("mh_meter=1.%%x:%%x.bench", math.random(1, 2000000000), counter)
  return wrk.format("GET", nil, {["Cookie"] = cookie, ["User-Agent"] = "%(agent)s"})
end
"""

_INGEST = r"""
import time
from django.conf import settings
from masthead.analytics.ingest import view_record, views_flush

settings.ANALYTICS_FLUSH_THREAD = False  # one timed flush at the end, not a thread alongside

N = {views}
agent = {agent!r}
started = time.perf_counter()
now = time.time()
for n in range(N):
    view_record(reader=f"bench-{{n}}-{{now}}", kind="s", object_id={story_id}, user_agent=agent,
                now=now)
recorded = time.perf_counter()
counted = views_flush()
done = time.perf_counter()

# The hit's own share: pagecache_hit for a browser (buffered) and without a user agent
# (what wrk sends for "story": dropped at its first check), per call.
from masthead.analytics import hits, ingest

browser = {{"REQUEST_METHOD": "GET", "HTTP_USER_AGENT": agent}}
bare = {{"REQUEST_METHOD": "GET"}}
cookies = {{"mh_meter": "1.1a:65f0a0c0-2b:65f0a1c0.bench"}}
costs = []
for environ in (browser, bare):
    best = None
    for _ in range(5):
        ingest.views_discard()
        t0 = time.perf_counter()
        for _ in range(20_000):
            hits.pagecache_hit(environ, {story_id}, cookies)
        took = (time.perf_counter() - t0) / 20_000
        best = took if best is None else min(best, took)
    costs.append(best)
ingest.views_discard()
print(N, counted, recorded - started, done - recorded, costs[0], costs[1])
"""


def prepare(ctx: Context) -> None:
    views = 20_000 if ctx.quick else 100_000
    code = _INGEST.format(views=views, agent=BROWSER, story_id=ctx.story_id)
    out = ctx.django(code, timeout=600).split()
    n, counted, record_s, flush_s = int(out[0]), int(out[1]), float(out[2]), float(out[3])
    ctx.notes["hit cost"] = (
        f"pagecache_hit {float(out[4]) * 1e9:,.0f} ns for a browser (buffered), "
        f"{float(out[5]) * 1e9:,.0f} ns without a user agent (recording off)"
    )
    ctx.notes["ingest"] = (
        f"{n:,} views through view_record + views_flush: {n / (record_s + flush_s):,.0f} views/s "
        f"({n / record_s:,.0f}/s recorded, {n / flush_s:,.0f}/s flushed; {counted:,} counted)"
    )
    script = ctx.tmp / "new_readers.lua"
    script.write_text(_NEW_READERS % {"agent": BROWSER})
    ctx.new_readers_script = str(script)

    from bench.recsys_eval import evaluate

    results = evaluate()
    for name, row in results.items():
        ctx.notes[f"hit rate at 3, {name}"] = (
            f"model {row['model']:.3f}, popularity {row['popularity']:.3f}, "
            f"random {row['random']:.3f} ({row['cases']:,} cases)"
        )


def runs(ctx: Context) -> list[Run]:
    return [
        Run("most-read fragment", "/most-read/fragment/", concurrency=CONCURRENCY),
        Run(
            "story recorded",
            ctx.story_path,
            concurrency=CONCURRENCY,
            headers={"User-Agent": BROWSER},
            baseline="story",
        ),
        Run(
            "views, new readers",
            ctx.story_path,
            concurrency=CONCURRENCY,
            script=ctx.new_readers_script,
            baseline="story",
        ),
    ]
