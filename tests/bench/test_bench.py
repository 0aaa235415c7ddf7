"""The benchmark's own arithmetic: reading wrk reports, ratios, the table and the goal."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bench import report, scenarios, wrk
from bench.report import CEILING, NGINX, Row

SAMPLES = Path(__file__).parent


def sample(name: str) -> str:
    return (SAMPLES / name).read_text()


def test_parses_a_report_at_concurrency_64():
    result = wrk.parse(sample("wrk_c64.txt"))
    assert result.requests_per_s == 31551.08
    assert result.p50_ms == pytest.approx(1.39)
    assert result.p99_ms == pytest.approx(42.77)
    assert result.requests == 97174
    assert result.duration_s == pytest.approx(3.08)
    assert result.errors == 0


def test_microseconds_become_milliseconds():
    result = wrk.parse(sample("wrk_c1.txt"))
    assert result.p50_ms == pytest.approx(0.109)
    assert result.percentiles_ms["99"] == pytest.approx(7.41)


def test_seconds_and_errors_are_read():
    result = wrk.parse(sample("wrk_errors.txt"))
    assert result.p50_ms == pytest.approx(1200.0)
    assert result.p99_ms == pytest.approx(1990.0)
    assert result.socket_errors == 9
    assert result.non_2xx == 3
    assert result.errors == 12


def test_output_without_latency_distribution_is_an_error():
    text = "\n".join(
        line for line in sample("wrk_c64.txt").splitlines() if "%" not in line or "Latency" in line
    )
    with pytest.raises(wrk.WrkError, match="--latency"):
        wrk.parse(text)


def test_only_127_0_0_1_is_loaded():
    with pytest.raises(wrk.WrkError, match="127.0.0.1"):
        wrk.run("http://example.org/", concurrency=1, duration=1)


def _row(name: str, concurrency: int, rate: float, p99: float = 5.0, baseline=None) -> Row:
    result = wrk.WrkResult(requests_per_s=rate, p50_ms=1.0, p99_ms=p99, requests=1, duration_s=1)
    return Row(name, concurrency, result, baseline=baseline)


def test_ratios_table_goal_and_json(tmp_path):
    rows = [
        _row("story", 64, 12000, p99=20.0),
        _row("metered", 64, 10800, baseline="story"),
        _row(CEILING, 64, 40000),
        _row(NGINX, 64, 100000),
    ]
    report.add_ratios(rows)
    assert rows[0].ratio_ceiling == 0.3
    assert rows[0].ratio_nginx == 0.12
    assert rows[1].ratio_baseline == 0.9
    goal = report.goal_check(rows)
    assert goal["met"] is False and goal["ratio"] == 0.3  # the goal is 35 %
    text = report.table(rows)
    assert "| story" in text and "0.300" in text and "0.90 of story" in text
    out = tmp_path / "bench.json"
    report.write_json(out, rows=rows, setup={"database": "sqlite"}, notes={})
    data = json.loads(out.read_text())
    assert data["cpu_count"] >= 1 and data["python"] and data["date"]
    assert data["runs"][0]["ratio_ceiling"] == 0.3
    assert data["goal"]["met"] is False


def test_goal_fails_on_slow_tail():
    rows = [_row("story", 64, 12000, p99=80.0), _row(CEILING, 64, 40000)]
    report.add_ratios(rows)
    assert report.goal_check(rows)["met"] is False


def test_scenarios_are_discovered_in_order():
    names = [module.__name__.rsplit(".", 1)[-1] for module in scenarios.discover()]
    assert names[0] == "pages"
    ctx = scenarios.Context(base_url="http://127.0.0.1:1", env={}, tmp=SAMPLES, quick=True)
    ctx.story_path = "/world/a/"
    runs = scenarios.discover({"pages"})[0].runs(ctx)
    assert [(run.scenario, run.path) for run in runs] == [("home", "/"), ("story", "/world/a/")]


def test_the_story_paired_with_the_ceiling_takes_its_ratio_from_those_rounds():
    rows = [_row("story", 64, 15000, p99=12.0, baseline=CEILING), _row(CEILING, 64, 50000)]
    rows[0].paired_baseline_rate = 40000.0  # the ceiling's rounds beside the story's
    report.add_ratios(rows)
    assert rows[0].ratio_ceiling == 0.375
    assert report.goal_check(rows)["met"] is True


def test_a_paired_baseline_is_preferred_to_the_earlier_run():
    rows = [_row("story", 64, 12000), _row("walled", 64, 9000, baseline="story")]
    rows[1].paired_baseline_rate = 10000.0  # the machine had slowed down meanwhile
    report.add_ratios(rows)
    assert rows[1].ratio_baseline == 0.9


def test_rounds_combine_into_requests_over_time_and_the_worst_tail():
    rounds = [
        wrk.WrkResult(requests_per_s=1000, p50_ms=1.0, p99_ms=5.0, requests=3000, duration_s=3.0),
        wrk.WrkResult(requests_per_s=500, p50_ms=2.0, p99_ms=9.0, requests=1000, duration_s=2.0),
        wrk.WrkResult(requests_per_s=800, p50_ms=1.5, p99_ms=6.0, requests=2400, duration_s=3.0),
    ]
    combined = wrk.combine(rounds)
    assert combined.requests == 6400 and combined.duration_s == 8.0
    assert combined.requests_per_s == 800.0
    assert combined.p50_ms == 1.5 and combined.p99_ms == 9.0


def test_a_report_with_the_grid_of_percentiles_gives_wrks_own_percentiles_back():
    result = wrk.parse(sample("wrk_grid.txt"))
    assert len(result.grid) == 99 + 190  # every 1 %, and every 0.05 % from 90 to 99.95
    combined = wrk.combine([result])
    assert combined.p50_ms == pytest.approx(result.p50_ms, abs=0.01)  # 16.02 ms printed
    assert combined.p99_ms == pytest.approx(result.p99_ms, abs=0.01)  # 32.77 ms printed


def _round(requests: int, fast_us: int, slow_us: int, slow_percent: float) -> wrk.WrkResult:
    """A round whose slowest ``slow_percent`` of requests took ``slow_us``."""
    grid = [(step / 20, fast_us if step / 20 <= 100 - slow_percent else slow_us)
            for step in range(20, 2000) if step % 20 == 0 or step >= 1800]  # fmt: skip
    p99 = (slow_us if slow_percent >= 1 else fast_us) / 1000
    return wrk.WrkResult(requests_per_s=requests, p50_ms=fast_us / 1000, p99_ms=p99,
                         requests=requests, duration_s=1.0, grid=grid)  # fmt: skip


def test_rounds_pool_their_requests_into_one_tail_not_the_worst_rounds():
    """9,000 requests at 1 ms and 1,000 of which 5 % took 50 ms: 50 of 10,000
    requests are slow, so the p99 of them all is 2 ms, where the worst round's
    p99 is 50 ms (still reported, per round)."""
    rounds = [_round(9000, 1000, 1000, 0), _round(1000, 2000, 50_000, 5)]
    combined = wrk.combine(rounds)
    assert combined.p50_ms == 1.0
    assert combined.p99_ms == 2.0
    assert combined.round_p99_ms == [1.0, 50.0]
    rounds = [_round(9000, 1000, 1000, 0), _round(1000, 2000, 50_000, 20)]  # 200 slow
    assert wrk.combine(rounds).p99_ms == 50.0


def test_requests_wrk_timed_out_are_left_out_of_the_pooled_tail_as_wrk_leaves_them_out():
    slow = _round(1000, 2000, 50_000, 50)
    slow.timeouts = 900  # 100 requests in its histogram, 50 of them slow
    combined = wrk.combine([_round(9000, 1000, 1000, 0), slow])
    assert combined.timeouts == 900
    assert combined.p99_ms == 2.0  # 9,100 requests with a latency, 50 slow: under 1 %


def test_a_round_without_latencies_falls_back_to_the_worst_rounds_p99():
    empty = _round(10, 0, 0, 0)  # wrk printed 0 everywhere: an empty histogram
    empty.p99_ms = 7.0
    assert wrk.combine([_round(9000, 1000, 1000, 0), empty]).p99_ms == 7.0


def test_every_run_carries_the_grid_hook_after_a_scenarios_own_script(monkeypatch, tmp_path):
    scenario_script = tmp_path / "signup.lua"
    scenario_script.write_text('wrk.method = "POST"\n')
    seen = {}

    def fake_run(command, **kwargs):
        seen["script"] = Path(command[command.index("-s") + 1]).read_text()

        class Done:
            returncode, stdout, stderr = 0, sample("wrk_grid.txt"), ""

        return Done()

    monkeypatch.setattr(wrk, "executable", lambda: "wrk")
    monkeypatch.setattr(wrk.subprocess, "run", fake_run)
    result = wrk.run("http://127.0.0.1:9/", concurrency=8, duration=1, script=str(scenario_script))
    assert seen["script"].startswith('wrk.method = "POST"\n')
    assert "function done(summary, latency, requests)" in seen["script"]
    assert result.grid


def test_paired_rounds_alternate_which_side_goes_first(monkeypatch):
    """B V V B B V V B: a drift during the run falls on both sides alike."""
    from bench import __main__ as bench_main
    from bench.scenarios import Run

    order = []

    def fake_run(url, **kwargs):
        order.append("V" if kwargs["headers"] else "B")
        rate = 900.0 if kwargs["headers"] else 1000.0
        return wrk.WrkResult(
            requests_per_s=rate, p50_ms=1.0, p99_ms=2.0, requests=int(rate), duration_s=1.0
        )

    monkeypatch.setattr(bench_main.wrk, "run", fake_run)
    run = Run("metered", "/a/", headers={"Cookie": "m=1"})
    ours, theirs, ratios = bench_main._measure_paired(
        run, Run("story", "/a/"), "http://127.0.0.1:1", 64, 1.0
    )
    assert "".join(order) == "BVVBBVVB"
    assert ratios == [0.9] * 4
    assert (ours.requests_per_s, theirs.requests_per_s) == (900.0, 1000.0)
    order.clear()  # --rounds 6
    bench_main._measure_paired(run, Run("story", "/a/"), "http://127.0.0.1:1", 64, 1.0, 6)
    assert "".join(order) == "BVVBBVVBBVVB"


def test_the_table_shows_the_range_of_the_rounds_ratios_around_the_ratio():
    row = _row("metered", 64, 9000, baseline="story")
    row.paired_baseline_rate = 10000.0
    row.paired_ratios = [0.86, 0.94, 0.88, 0.92]
    report.add_ratios([row])
    # the rounds' log ratios: standard deviation 0.0406, t(3 df) 3.182, over
    # sqrt(4): half-width 0.0646, around the row's own 0.90: 0.8437-0.9600
    assert "0.90 of story (rounds 0.86-0.94; 95 % 0.84-0.96)" in report.table([row])
    assert (row.ratio_low, row.ratio_high) == (
        pytest.approx(0.8437, abs=1e-4),
        pytest.approx(0.9600, abs=1e-4),
    )
    assert json.loads(json.dumps(row.as_dict()))["paired_ratios"][0] == 0.86


def test_the_interval_of_two_rounds_uses_students_t_on_the_log_ratios():
    # logs -0.1 and +0.1: sample deviation 0.1414, t(1 df) 12.706:
    # half-width 12.706 * 0.1414 / sqrt(2) = 1.2706 on the log scale
    low, high = report.ratio_interval([math.exp(-0.1), math.exp(0.1)], 1.0)
    assert (low, high) == (
        pytest.approx(math.exp(-1.2706), rel=1e-3),
        pytest.approx(math.exp(1.2706), rel=1e-3),
    )


def test_the_interval_holds_the_rows_ratio_and_narrows_with_more_rounds():
    spread = [0.8, 1.0, 0.9, 0.95]
    four = report.ratio_interval(spread, 0.9)
    sixteen = report.ratio_interval(spread * 4, 0.9)
    assert four[0] < sixteen[0] < 0.9 < sixteen[1] < four[1]
    # laid around the row's ratio, whatever the rounds' mean
    low, high = report.ratio_interval([1.0, 0.767] * 6, 0.9125)
    assert low < 0.9125 < high and high / 0.9125 == pytest.approx(0.9125 / low)
    assert report.ratio_interval([0.93] * 5, 0.93) == (pytest.approx(0.93), pytest.approx(0.93))
    assert report.ratio_interval([0.9], 0.9) is None
    assert report.ratio_interval([], 0.9) is None


def test_beyond_thirty_rounds_t_still_exceeds_the_normal():
    # Student's t at 97.5 %: 2.0395 for 31 df, 2.0227 for 39, 2.0003 for 60, 1.9799 for 120
    for df, t in ((30, 2.042), (31, 2.0395), (39, 2.0227), (60, 2.0003), (120, 1.9799)):
        assert report._t975(df) == pytest.approx(t, abs=1e-3)
    logs = [-0.1, 0.1] * 20  # 40 rounds: 39 degrees of freedom
    low, high = report.ratio_interval([math.exp(x) for x in logs], 1.0)
    deviation = math.sqrt(sum(x * x for x in logs) / 39)
    assert math.log(high) == pytest.approx(2.0227 * deviation / math.sqrt(40), rel=1e-3)


def test_a_round_that_served_nothing_has_no_interval_and_fails_the_goal():
    assert report.ratio_interval([0.0, 0.95, 0.96, 0.94], 0.71) is None
    row = _variant("metered", [0.0, 0.95, 0.96, 0.94])
    report.add_ratios([row])
    assert report.variant_goals([row])[0]["verdict"] == "not met"


def _variant(name: str, ratios: list[float], concurrency: int = 64) -> Row:
    """A variant row whose rate against its baseline is its rounds' mean (rounds of one length)."""
    row = _row(name, concurrency, 10000 * sum(ratios) / len(ratios), baseline="story")
    row.paired_baseline_rate = 10000.0
    row.paired_ratios = ratios
    return row


def test_metered_and_walled_are_judged_by_their_whole_interval():
    rows = [
        _variant("metered", [0.95, 0.96, 0.94, 0.95]),  # interval wholly above 0.9
        _variant("walled", [0.80, 0.82, 0.81, 0.80]),  # wholly below
        _variant("metered", [0.80, 1.00, 0.85, 0.98], concurrency=16),  # straddles it
        _variant("reread", [0.95, 0.96, 0.94, 0.95]),  # not a goal of the issue
        _row("story", 64, 10000),
    ]
    report.add_ratios(rows)
    checks = report.variant_goals(rows)
    assert [(c["scenario"], c["concurrency"], c["verdict"]) for c in checks] == [
        ("metered", 64, "met"),
        ("walled", 64, "not met"),
        ("metered", 16, "undecided"),
    ]
    assert checks[0]["interval_95"][0] >= 0.9 > checks[1]["interval_95"][1]
    assert checks[2]["interval_95"][0] < 0.9 <= checks[2]["interval_95"][1]


def test_the_goal_lines_under_the_table(tmp_path):
    rows = [
        _row("story", 64, 12000, p99=6.0),
        _row(CEILING, 64, 20000),
        _variant("metered", [0.86, 0.94, 0.88, 0.92]),
        _variant("walled", [0.93]),  # one round: no interval to judge by
    ]
    report.add_ratios(rows)
    assert report.goal_lines(rows) == [
        "Goal: story at c=64 >= 35% of the Python ceiling with p99 < 20 ms: met (60.0%, p99 6.0 ms)",
        "Goal: metered at c=64 >= 0.9 of story: undecided (0.90; 95 % 0.84-0.96)",
        "Goal: walled at c=64 >= 0.9 of story: undecided (0.93; no interval)",
    ]
    out = tmp_path / "bench.json"
    report.write_json(out, rows=rows, setup={}, notes={})
    data = json.loads(out.read_text())
    assert [c["verdict"] for c in data["variant_goals"]] == ["undecided", "undecided"]
    assert data["variant_goals"][0]["interval_95"] == [0.8437, 0.96]
    assert data["runs"][3]["ratio_interval_95"] is None


def test_the_in_process_table_gives_each_readers_cost_over_the_story():
    from bench import inprocess

    found = {
        "compiled": dict(zip(inprocess.READERS, (4.5, 5.3, 4.3, 4.3, 5.0), strict=True)),
        "python": dict(zip(inprocess.READERS, (5.8, 8.4, 7.7, 6.4, 6.2), strict=True)),
    }
    lines = inprocess.table(found).splitlines()
    assert lines[2] == "| story | 4.50 | 5.80 | +0.00 | +0.00 |"
    assert lines[3] == "| metered | 5.30 | 8.40 | +0.80 | +2.60 |"
    assert lines[4] == "| walled | 4.30 | 7.70 | -0.20 | +1.90 |"
    assert len(lines) == 2 + len(inprocess.READERS)


def test_runs_pool_by_the_inverse_of_their_squared_errors():
    from bench import pool

    def run(ratios, ratio):
        return {"runs": [{"scenario": "metered", "concurrency": 64, "paired_ratios": ratios,
                          "ratio_baseline": ratio}]}  # fmt: skip

    a = run([0.9, 1.0, 0.95, 0.85], 0.92)
    b = run([0.93, 0.94, 0.92, 0.95], 0.935)
    figures = pool.pooled([a, b])[("metered", 64)]

    def error(ratios):
        logs = [math.log(r) for r in ratios]
        mean = sum(logs) / len(logs)
        return math.sqrt(sum((x - mean) ** 2 for x in logs) / (len(logs) - 1) / len(logs))

    wa, wb = 1 / error([0.9, 1.0, 0.95, 0.85]) ** 2, 1 / error([0.93, 0.94, 0.92, 0.95]) ** 2
    centre = (wa * math.log(0.92) + wb * math.log(0.935)) / (wa + wb)
    half = 2.447 / math.sqrt(wa + wb)  # t at 6 degrees of freedom (3 + 3)
    assert figures["ratio"] == pytest.approx(math.exp(centre))
    assert figures["interval_95"] == pytest.approx(
        (math.exp(centre - half), math.exp(centre + half))
    )
    assert 0.92 < figures["ratio"] < 0.935  # nearer the steadier run
    assert figures["rounds"] == 8 and figures["runs"] == pytest.approx([0.92, 0.935])
    (line,) = pool.lines(pool.pooled([a, b]))
    assert line.startswith("metered c=64: ") and line.endswith("against 0.9: met")
    # one run alone, wide: undecided; a row without rounds is left out
    assert pool.lines(pool.pooled([run([0.7, 1.2], 0.92)]))[0].endswith("undecided")
    assert pool.pooled([run([0.9], 0.9)]) == {}
