"""What a metered answer's extra cost is made of, against the story alongside.

Not part of the issue's goals; rows that split the metered reader's extra
work (decision 0016), at c=64 where the gap is widest:

- ``cookie, no meter``: the story for a reader whose one cookie is not the
  meter's (a CSRF secret of its real length): the Cookie header is read and
  parsed, nothing is verified, and the answer starts a meter like the
  story's.
- ``reread``: a reader under the allowance who has read this very story: the
  meter cookie is read, verified and parsed, and the answer sets no cookie
  (nothing to count).

Run with ``--only pages,metered,meter_parts``.
"""

from __future__ import annotations

from . import Context, Run

ORDER = 21

_REREAD = """
import time
from masthead.metering.meter import METER_COOKIE, Meter, meter_dump

print(METER_COOKIE, meter_dump(Meter(reads={{{story_id}: int(time.time()) - 60}})))
"""


def prepare(ctx: Context) -> None:
    name, value = ctx.django(_REREAD.format(story_id=ctx.story_id)).split()
    ctx.reread_cookie = f"{name}={value}"


def runs(ctx: Context) -> list[Run]:
    return [
        Run(
            "cookie, no meter",
            ctx.story_path,
            concurrency=(64,),
            headers={"Cookie": "csrftoken=" + "a1B2c3D4" * 4},
            baseline="story",
        ),
        Run(
            "reread",
            ctx.story_path,
            concurrency=(64,),
            headers={"Cookie": getattr(ctx, "reread_cookie", "")},
            baseline="story",
        ),
    ]
