"""The results table and the JSON file: every figure with its ratios."""

from __future__ import annotations

import json
import math
import os
import platform
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .wrk import WrkResult

CEILING, NGINX = "python ceiling", "nginx static"
GOAL = {"scenario": "story", "concurrency": 64, "min_ratio": 0.35, "max_p99_ms": 20.0}
# Issue 10's second goal: a reader carrying a meter costs the page cache little.
VARIANT_GOAL = {"scenarios": ("metered", "walled"), "baseline": "story", "min_ratio": 0.9}
# Student's t at 97.5 % for 1..30 degrees of freedom (a two-sided 95 % interval
# from a handful of rounds; the normal's 1.96 would claim more than they show).
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


@dataclass
class Row:
    scenario: str
    concurrency: int
    result: WrkResult
    baseline: str | None = None
    # the baseline measured in rounds interleaved with this row's (see __main__._measure)
    paired_baseline_rate: float | None = None
    paired_ratios: list[float] = field(default_factory=list)  # each round's pair
    # the 95 % interval around ``ratio_baseline`` (``ratio_interval``), with two rounds or more
    ratio_low: float | None = None
    ratio_high: float | None = None
    ratio_ceiling: float | None = None
    ratio_nginx: float | None = None
    ratio_baseline: float | None = None

    def as_dict(self) -> dict:
        return {
            "scenario": self.scenario,
            "concurrency": self.concurrency,
            **self.result.as_dict(),
            "ratio_ceiling": self.ratio_ceiling,
            "ratio_nginx": self.ratio_nginx,
            "baseline": self.baseline,
            "paired_baseline_rate": self.paired_baseline_rate,
            "paired_ratios": [round(r, 4) for r in self.paired_ratios],
            "ratio_baseline": self.ratio_baseline,
            "ratio_interval_95": self.interval_95,
        }

    @property
    def interval_95(self) -> list[float] | None:
        return None if self.ratio_low is None else [self.ratio_low, self.ratio_high]


def ratio_interval(ratios: list[float], ratio: float) -> tuple[float, float] | None:
    """A 95 % interval around a row's ``ratio`` from its rounds' ``ratios``, or
    None with fewer than two rounds or with a round in which either side
    served nothing (no interval can speak for that round; ``variant_goals``
    counts it as a failure).

    Each round's pair is one sample of the ratio; the machine's drift and
    stalls move it from about 0.6 to 1.26 from one round to the next here, so
    the row's ratio alone cannot say whether it is truly above a goal. The
    interval's half-width is Student's t times the standard error of the
    rounds' log ratios (a ratio's noise is multiplicative: 0.8 and 1.25 are
    the same distance from 1), laid around the row's own ratio (all the
    requests over all the time), so that the interval always holds the figure
    printed beside it. It narrows as ``--rounds`` grows, about as one over the
    square root.
    """
    if len(ratios) < 2 or min(ratios) <= 0 or ratio <= 0:
        return None
    half = _t975(len(ratios) - 1) * log_ratio_error(ratios)
    return ratio * math.exp(-half), ratio * math.exp(half)


def log_ratio_error(ratios: list[float]) -> float:
    """The standard error of the mean of the rounds' log ratios (two or more
    rounds, all above 0)."""
    logs = [math.log(r) for r in ratios]
    mean = sum(logs) / len(logs)
    spread = math.sqrt(sum((x - mean) ** 2 for x in logs) / (len(logs) - 1))
    return spread / math.sqrt(len(logs))


def _t975(df: int) -> float:
    """Student's t at 97.5 % for ``df`` degrees of freedom: the table to 30,
    beyond it the Cornish-Fisher expansion around the normal's 1.96 (within
    0.001 of the true value from 30 on)."""
    if df <= len(_T975):
        return _T975[df - 1]
    z = 1.959964
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def add_ratios(rows: list[Row]) -> None:
    by_key = {(row.scenario, row.concurrency): row.result.requests_per_s for row in rows}
    for row in rows:
        rate = row.result.requests_per_s
        ceiling = by_key.get((CEILING, row.concurrency))
        nginx = by_key.get((NGINX, row.concurrency))
        row.ratio_ceiling = round(rate / ceiling, 4) if ceiling else None
        row.ratio_nginx = round(rate / nginx, 4) if nginx else None
        base = row.paired_baseline_rate
        if base is None and row.baseline:
            base = by_key.get((row.baseline, row.concurrency))
        row.ratio_baseline = round(rate / base, 4) if base else None
        if row.baseline == CEILING and row.ratio_baseline is not None:
            row.ratio_ceiling = row.ratio_baseline  # measured in interleaved rounds
        interval = (
            ratio_interval(row.paired_ratios, row.ratio_baseline)
            if row.ratio_baseline is not None
            else None
        )
        if interval is not None:
            row.ratio_low, row.ratio_high = round(interval[0], 4), round(interval[1], 4)


def goal_check(rows: list[Row]) -> dict:
    row = next(
        (r for r in rows if (r.scenario, r.concurrency) == (GOAL["scenario"], GOAL["concurrency"])),
        None,
    )
    if row is None or row.ratio_ceiling is None:
        return {**GOAL, "met": None}
    met = row.ratio_ceiling >= GOAL["min_ratio"] and row.result.p99_ms < GOAL["max_p99_ms"]
    return {**GOAL, "ratio": row.ratio_ceiling, "p99_ms": row.result.p99_ms, "met": met}


def variant_goals(rows: list[Row]) -> list[dict]:
    """Each metered and walled row against ``VARIANT_GOAL``: met when its whole
    95 % interval is at or above the goal, not met when it is wholly below (or
    when a round of it served nothing), and undecided when it straddles the
    goal or has no interval (one round): more rounds may settle it."""
    checks = []
    goal = VARIANT_GOAL["min_ratio"]
    for row in rows:
        if row.scenario not in VARIANT_GOAL["scenarios"] or row.ratio_baseline is None:
            continue
        if row.paired_ratios and min(row.paired_ratios) <= 0:
            verdict = "not met"
        elif row.ratio_low is None:
            verdict = "undecided"
        elif row.ratio_low >= goal:
            verdict = "met"
        elif row.ratio_high < goal:
            verdict = "not met"
        else:
            verdict = "undecided"
        checks.append({
            "scenario": row.scenario, "concurrency": row.concurrency,
            "baseline": VARIANT_GOAL["baseline"], "min_ratio": goal,
            "ratio": row.ratio_baseline, "interval_95": row.interval_95, "verdict": verdict,
        })  # fmt: skip
    return checks


def goal_lines(rows: list[Row]) -> list[str]:
    """The goals' verdicts as the bench prints them under its table."""
    lines = []
    goal = goal_check(rows)
    if goal["met"] is not None:
        lines.append(
            f"Goal: story at c=64 >= {goal['min_ratio']:.0%} of the Python ceiling with "
            f"p99 < {goal['max_p99_ms']:.0f} ms: {'met' if goal['met'] else 'NOT met'} "
            f"({goal['ratio']:.1%}, p99 {goal['p99_ms']:.1f} ms)"
        )
    for check in variant_goals(rows):
        interval = check["interval_95"]
        lines.append(
            f"Goal: {check['scenario']} at c={check['concurrency']} >= {check['min_ratio']} of "
            f"{check['baseline']}: {check['verdict']} ({check['ratio']:.2f}"
            + (f"; 95 % {interval[0]:.2f}-{interval[1]:.2f}" if interval else "; no interval")
            + ")"
        )
    return lines


def _spread(row: Row) -> str:
    """The lowest and highest of the rounds' ratios. The row's ratio (its rounds'
    requests over their time, against the baseline's) is a weighted mean of
    them, so it always lies between the two."""
    if len(row.paired_ratios) < 2:
        return ""
    spread = f"rounds {min(row.paired_ratios):.2f}-{max(row.paired_ratios):.2f}"
    if row.ratio_low is not None:
        spread += f"; 95 % {row.ratio_low:.2f}-{row.ratio_high:.2f}"
    return f" ({spread})"


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def table(rows: list[Row]) -> str:
    header = ("scenario", "conc", "req/s", "p50 ms", "p99 ms", "/python", "/nginx", "note")
    lines = []
    for row in rows:
        notes = []
        if row.ratio_baseline is not None:
            notes.append(f"{row.ratio_baseline:.2f} of {row.baseline}" + _spread(row))
        if row.result.errors:
            notes.append(f"{row.result.errors} errors")
        lines.append(
            (
                row.scenario,
                str(row.concurrency),
                f"{row.result.requests_per_s:,.0f}",
                f"{row.result.p50_ms:.2f}",
                f"{row.result.p99_ms:.2f}",
                _ratio(row.ratio_ceiling),
                _ratio(row.ratio_nginx),
                "; ".join(notes),
            )
        )
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    numeric = {1, 2, 3, 4, 5, 6}

    def fmt(cells) -> str:
        return (
            "| "
            + " | ".join(
                cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
                for i, cell in enumerate(cells)
            )
            + " |"
        )

    rule = (
        "|"
        + "|".join(
            "-" * (w + 1) + ":" if i in numeric else "-" * (w + 2) for i, w in enumerate(widths)
        )
        + "|"
    )
    return "\n".join([fmt(header), rule, *(fmt(line) for line in lines)])


def machine() -> dict:
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


def write_json(path: Path, *, rows: list[Row], setup: dict, notes: dict) -> None:
    data = {
        **machine(),
        "setup": setup,
        "goal": goal_check(rows),
        "variant_goals": variant_goals(rows),
        "notes": notes,
        "runs": [row.as_dict() for row in rows],
    }
    path.write_text(json.dumps(data, indent=2) + "\n")
