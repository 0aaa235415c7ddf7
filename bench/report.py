"""The results table and the JSON file: every figure with its ratios."""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .wrk import WrkResult

CEILING, NGINX = "python ceiling", "nginx static"
GOAL = {"scenario": "story", "concurrency": 64, "min_ratio": 0.35, "max_p99_ms": 20.0}


@dataclass
class Row:
    scenario: str
    concurrency: int
    result: WrkResult
    baseline: str | None = None
    # the baseline measured in rounds interleaved with this row's (see __main__._measure)
    paired_baseline_rate: float | None = None
    paired_ratios: list[float] = field(default_factory=list)  # each round's pair
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
        }


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


def goal_check(rows: list[Row]) -> dict:
    row = next(
        (r for r in rows if (r.scenario, r.concurrency) == (GOAL["scenario"], GOAL["concurrency"])),
        None,
    )
    if row is None or row.ratio_ceiling is None:
        return {**GOAL, "met": None}
    met = row.ratio_ceiling >= GOAL["min_ratio"] and row.result.p99_ms < GOAL["max_p99_ms"]
    return {**GOAL, "ratio": row.ratio_ceiling, "p99_ms": row.result.p99_ms, "met": met}


def _spread(row: Row) -> str:
    """The lowest and highest of the rounds' ratios. The row's ratio (its rounds'
    requests over their time, against the baseline's) is a weighted mean of
    them, so it always lies between the two."""
    if len(row.paired_ratios) < 2:
        return ""
    return f" (rounds {min(row.paired_ratios):.2f}-{max(row.paired_ratios):.2f})"


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
        "notes": notes,
        "runs": [row.as_dict() for row in rows],
    }
    path.write_text(json.dumps(data, indent=2) + "\n")
