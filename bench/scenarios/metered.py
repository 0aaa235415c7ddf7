"""The story page for anonymous readers who carry a meter cookie.

- ``metered``: a reader under the allowance (one other story read): the meter
  counts this story, so every answer carries a fresh Set-Cookie (wrk does not
  store cookies, so each request is that reader's second story).
- ``walled``: a reader past the allowance: the walled variant (opening
  paragraphs and the registration wall; one shared copy, no CSRF token,
  decision 0014).

Both are compared with ``story`` (the same page for a reader without cookies,
who gets a first meter cookie), the goal being at least 0.9 of it (issue 10).
"""

from __future__ import annotations

from . import Context, Run

ORDER = 20
CONCURRENCY = (16, 64)

_COOKIES = """
import time
from masthead.content.models import StoryPage
from masthead.metering.meter import METER_COOKIE, Meter, meter_dump, meter_policy

story_id = {story_id}
policy = meter_policy()
others = list(
    StoryPage.objects.live().exclude(pk=story_id).order_by("pk").values_list("pk", flat=True)
)
now = int(time.time())
under = Meter(reads={{pk: now - 60 for pk in others[: max(0, policy.allowance - 1)][:1]}})
over = Meter(reads={{pk: now - 60 for pk in others[: policy.allowance]}})
print(METER_COOKIE, meter_dump(under), meter_dump(over), policy.allowance)
"""


def prepare(ctx: Context) -> None:
    out = ctx.django(_COOKIES.format(story_id=ctx.story_id)).split()
    name, under, over, allowance = out[0], out[1], out[2], int(out[3])
    ctx.notes["meter"] = f"allowance {allowance}; metered = 1 story read, walled = {allowance} read"
    ctx.meter_cookies = {"metered": f"{name}={under}", "walled": f"{name}={over}"}


def runs(ctx: Context) -> list[Run]:
    cookies = getattr(ctx, "meter_cookies", {})
    return [
        Run(
            "metered",
            ctx.story_path,
            concurrency=CONCURRENCY,
            headers={"Cookie": cookies["metered"]},
            baseline="story",
        ),
        Run(
            "walled",
            ctx.story_path,
            concurrency=CONCURRENCY,
            headers={"Cookie": cookies["walled"]},
            baseline="story",
        ),
    ]
