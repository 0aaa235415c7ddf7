"""Running wrk and reading its report.

wrk (the Debian package) is the load generator: one C process, keep-alive
connections, a latency histogram. We read four things from its text report:
requests per second, the 50th and 99th latency percentiles (``--latency``),
and the error counters, which a result must show rather than hide.

A Lua ``done`` hook added to every run also prints a fine grid of wrk's
percentiles (every 1 % to 90 %, then every 0.05 %: Debian's wrk 4.1 has no way
to hand its histogram itself to a script), so that several rounds of one load
combine into the percentiles of all their requests together rather than a
percentile of percentiles.
"""

from __future__ import annotations

import bisect
import math
import re
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_PERCENTILE = re.compile(r"^\s*(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.M)
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)\s*$", re.M)
_TOTAL = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h),", re.M)
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", re.M)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)", re.M)
_GRID_START = "masthead-percentiles (percent, latency us)"
_GRID_LINE = re.compile(r"^([\d.]+) (\d+)$", re.M)
# Integer steps of 0.05 %, so that the grid's points print exactly.
_GRID_HOOK = f"""
function done(summary, latency, requests)
  io.write("\\n{_GRID_START}\\n")
  for step = 20, 1999 do  -- to 99.95 %: wrk answers 0 for 100 %
    if step % 20 == 0 or step >= 1800 then
      local percent = step / 20
      io.write(string.format("%.2f %d\\n", percent, latency:percentile(percent)))
    end
  end
end
"""


class WrkError(RuntimeError):
    """wrk is missing, failed, or printed something we cannot read."""


@dataclass
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    duration_s: float
    socket_errors: int = 0
    non_2xx: int = 0
    timeouts: int = 0  # counted in requests, absent from the latency histogram
    percentiles_ms: dict[str, float] = field(default_factory=dict)
    # (percent, latency in µs) on wrk's grid, when printed: what ``combine`` pools
    grid: list[tuple[float, int]] = field(default_factory=list, repr=False)
    round_p99_ms: list[float] = field(default_factory=list)  # each round's, when combined

    @property
    def errors(self) -> int:
        return self.socket_errors + self.non_2xx

    def as_dict(self) -> dict:
        figures = {**asdict(self), "errors": self.errors}
        del figures["grid"]
        return figures


def combine(results: list[WrkResult]) -> WrkResult:
    """Several rounds of one load as one figure: total requests over total time,
    and the percentiles of all their requests together (from each round's grid
    of percentiles; without them, the median round's p50 and the worst round's
    p99)."""
    requests = sum(r.requests for r in results)
    duration = sum(r.duration_s for r in results)
    rate = (
        requests / duration if duration else sum(r.requests_per_s for r in results) / len(results)
    )
    if all(_poolable(r) for r in results):
        p50_ms, p99_ms = pooled_ms(results, 50), pooled_ms(results, 99)
    else:
        p50_ms = sorted(results, key=lambda r: r.p50_ms)[len(results) // 2].p50_ms
        p99_ms = max(r.p99_ms for r in results)
    return WrkResult(
        requests_per_s=rate,
        p50_ms=p50_ms,
        p99_ms=p99_ms,
        requests=requests,
        duration_s=duration,
        socket_errors=sum(r.socket_errors for r in results),
        non_2xx=sum(r.non_2xx for r in results),
        timeouts=sum(r.timeouts for r in results),
        round_p99_ms=[r.p99_ms for r in results],
    )


def _poolable(result: WrkResult) -> bool:
    """A grid to pool: printed, with latencies in it (wrk prints 0 for an empty
    histogram), and requests it accounts for."""
    return bool(result.grid) and result.grid[-1][1] > 0 and result.requests > result.timeouts


def pooled_ms(results: list[WrkResult], percent: float) -> float:
    """The lowest latency that ``percent`` of all the rounds' requests together
    are known not to exceed: each round is taken to have only the share its
    grid vouches for at or below a latency (never more), so the figure errs
    high, by at most the grid's step (0.05 % of requests near the tail). A
    request wrk timed out is in its count but not in its histogram: it is
    left out here too, as wrk's own percentiles leave it out (and reports it
    as an error)."""
    wanted = percent / 100.0 * sum(r.requests - r.timeouts for r in results)
    # A grid's latencies rise with its percents (wrk's percentiles are
    # monotone), so the share at or below a latency is found by bisection.
    columns = [
        ([us for _, us in r.grid], [p for p, _ in r.grid], r.requests - r.timeouts) for r in results
    ]
    for candidate in sorted({us for r in results for _, us in r.grid}):
        below = 0.0
        for latencies, percents, requests in columns:
            at_or_below = bisect.bisect_right(latencies, candidate)
            if at_or_below:
                below += percents[at_or_below - 1] / 100.0 * requests
        if below >= wanted - 1e-9:
            return candidate / 1000.0
    return max(us for r in results for _, us in r.grid) / 1000.0


def parse(output: str) -> WrkResult:
    """The figures in one wrk report (run with ``--latency``)."""
    rate = _RATE.search(output)
    if rate is None:
        raise WrkError(f"no Requests/sec line in wrk output:\n{output}")
    percentiles = {p: float(v) * _UNITS_MS[unit] for p, v, unit in _PERCENTILE.findall(output)}
    if "50" not in percentiles or "99" not in percentiles:
        raise WrkError(f"no latency distribution in wrk output (use --latency):\n{output}")
    total = _TOTAL.search(output)
    requests, duration = (0, 0.0)
    if total:
        requests = int(total[1])
        duration = float(total[2]) * _UNITS_MS[total[3]] / 1000.0
    socket = _SOCKET.search(output)
    non_2xx = _NON_2XX.search(output)
    grid: list[tuple[float, int]] = []
    if _GRID_START in output:
        lines = output.split(_GRID_START, 1)[1]
        grid = [(float(percent), int(us)) for percent, us in _GRID_LINE.findall(lines)]
    return WrkResult(
        requests_per_s=float(rate[1]),
        p50_ms=percentiles["50"],
        p99_ms=percentiles["99"],
        requests=requests,
        duration_s=duration,
        socket_errors=sum(int(n) for n in socket.groups()) if socket else 0,
        timeouts=int(socket[4]) if socket else 0,
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        percentiles_ms=percentiles,
        grid=grid,
    )


def executable() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise WrkError("wrk is not installed. On Debian or Ubuntu: sudo apt-get install -y wrk")
    return found


def run(
    url: str,
    *,
    concurrency: int,
    duration: float,
    headers: dict[str, str] | None = None,
    script: str | None = None,
    threads: int = 2,
) -> WrkResult:
    """One bounded wrk run against ``url`` (127.0.0.1 only)."""
    if not url.startswith("http://127.0.0.1:"):
        raise WrkError(f"refusing to load anything but 127.0.0.1: {url}")
    command = [
        executable(),
        f"-t{max(1, min(threads, concurrency))}",
        f"-c{concurrency}",
        f"-d{max(1, math.ceil(duration))}s",  # a paired round of 2.5 s runs 3 s
        "--latency",
        "--timeout", "5s",
    ]  # fmt: skip
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    with tempfile.TemporaryDirectory(prefix="masthead-wrk-") as tmp:
        hooked = Path(tmp) / "run.lua"
        hooked.write_text((Path(script).read_text() if script else "") + _GRID_HOOK)
        command += ["-s", str(hooked), url]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=duration + 30, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise WrkError(f"wrk did not finish in time: {' '.join(command)}") from exc
    if done.returncode != 0:
        raise WrkError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse(done.stdout)
