"""The demo paper's past wall sign-ups and trials, so the dashboard's chart has a shape.

Generated, seeded (every demo gets the same history relative to the moment
it was loaded), over the 30 days the dashboard shows:

- wall sign-ups per day: about 5 a day a month ago growing to about 9 now
  (a paper finding readers), two thirds of that on Saturdays and Sundays,
  and three times as many on one day 10 days before the load (a big story
  day brings readers to the wall); Poisson-distributed around that mean;
- 45 % of them start the free trial, between an hour and three days after
  signing up (when they follow the set-up link); a trial that would start
  after the load has not started.

Written through ``metering.imports.wall_signups_import`` (accounts, wall
consents, trials and grants, as the wall would have written them; no email
is sent). The readers are ``signup<n>@example.org``.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from masthead.metering.imports import PastSignup, wall_signups_import

SEED = 2027
DAYS = 30
FIRST_RATE, LAST_RATE = 5.0, 9.0
WEEKEND = 2 / 3
BIG_DAY_AGO, BIG_DAY_FACTOR = 10, 3.0
TRIAL_SHARE = 0.45


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method: fine for the small means here)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def past_signups(*, now: datetime) -> list[PastSignup]:
    rng = random.Random(SEED)
    signups: list[PastSignup] = []
    for days_ago in range(DAYS - 1, -1, -1):
        day = now - timedelta(days=days_ago)
        mean = FIRST_RATE + (LAST_RATE - FIRST_RATE) * (DAYS - 1 - days_ago) / (DAYS - 1)
        if day.weekday() >= 5:
            mean *= WEEKEND
        if days_ago == BIG_DAY_AGO:
            mean *= BIG_DAY_FACTOR
        start = day.replace(hour=0, minute=0, second=0, microsecond=0)
        for _ in range(_poisson(rng, mean)):
            at = start + timedelta(seconds=rng.uniform(7 * 3600, 23 * 3600))
            trial = None
            if rng.random() < TRIAL_SHARE:
                trial = at + timedelta(seconds=rng.uniform(3600, 3 * 86400))
            if at >= now:
                continue
            if trial is not None and trial >= now:
                trial = None
            signups.append(PastSignup(f"signup{len(signups) + 1}@example.org", at, trial))
    return signups


def signups_load(*, now: datetime) -> int:
    """Write the demo's past sign-ups; returns how many readers were added."""
    return wall_signups_import(past_signups(now=now))
