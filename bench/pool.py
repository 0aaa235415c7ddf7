"""Several bench runs' compared rows as one estimate each: ``python -m bench.pool A.json B.json ...``.

One run's interval is only as narrow as its rounds allow, and on a two-core
machine shared with wrk a round's ratio moves by a fifth. Runs of the same
code on the same machine are pooled here the usual way for independent
estimates of one quantity: each run's log ratio weighted by the inverse of
its squared standard error (``report.log_ratio_error``, as a run's own
interval takes it), the pooled interval Student's t (on all the rounds' degrees of
freedom) times the pooled standard error. This assumes the runs measure the
same ratio: the per-run figures are printed beside the pool so that a run
that disagrees shows.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from .report import VARIANT_GOAL, _t975, log_ratio_error


def pooled(runs: list[dict]) -> dict[tuple[str, int], dict]:
    """{(scenario, concurrency): {"ratio", "interval_95", "rounds", "runs"}} for
    every compared row found in ``runs`` (bench JSON documents)."""
    found: dict[tuple[str, int], list[tuple[float, float, int]]] = {}
    for document in runs:
        for row in document["runs"]:
            ratios = row.get("paired_ratios") or []
            if len(ratios) < 2 or min(ratios) <= 0 or not row.get("ratio_baseline"):
                continue
            key = (row["scenario"], row["concurrency"])
            estimate = (math.log(row["ratio_baseline"]), log_ratio_error(ratios), len(ratios))
            found.setdefault(key, []).append(estimate)
    answer = {}
    for key, estimates in found.items():
        weights = [1 / max(error, 1e-12) ** 2 for _, error, _ in estimates]
        centre = sum(w * log for w, (log, _, _) in zip(weights, estimates, strict=True))
        centre /= sum(weights)
        half = _t975(sum(n - 1 for _, _, n in estimates)) / math.sqrt(sum(weights))
        answer[key] = {
            "ratio": math.exp(centre),
            "interval_95": (math.exp(centre - half), math.exp(centre + half)),
            "rounds": sum(n for _, _, n in estimates),
            "runs": [math.exp(log) for log, _, _ in estimates],
        }
    return answer


def lines(pool: dict[tuple[str, int], dict]) -> list[str]:
    out = []
    for (scenario, concurrency), figures in sorted(pool.items()):
        low, high = figures["interval_95"]
        verdict = ""
        if scenario in VARIANT_GOAL["scenarios"]:
            goal = VARIANT_GOAL["min_ratio"]
            verdict = "met" if low >= goal else "not met" if high < goal else "undecided"
            verdict = f" against {goal}: {verdict}"
        runs = ", ".join(f"{r:.2f}" for r in figures["runs"])
        out.append(
            f"{scenario} c={concurrency}: {figures['ratio']:.3f} (95 % {low:.3f}-{high:.3f}; "
            f"{figures['rounds']} rounds in {len(figures['runs'])} runs: {runs}){verdict}"
        )
    return out


def main(argv: list[str] | None = None) -> None:
    paths = (argv if argv is not None else sys.argv[1:]) or []
    if not paths:
        raise SystemExit("usage: python -m bench.pool RUN.json [RUN.json ...]")
    print("\n".join(lines(pooled([json.loads(Path(p).read_text()) for p in paths]))))


if __name__ == "__main__":
    main()
