"""The anonymous home page and story page, as a reader without cookies gets them.

A reader without cookies is the worst case for the meter (every request
starts a new meter and gets a Set-Cookie), and the common case for a story
shared on social media.
"""

from __future__ import annotations

from ..report import CEILING
from . import Context, Run

ORDER = 10


def runs(ctx: Context) -> list[Run]:
    return [
        Run("home", ctx.home_path),
        # In rounds interleaved with the Python ceiling's (the goal is a ratio).
        Run("story", ctx.story_path, baseline=CEILING),
    ]
