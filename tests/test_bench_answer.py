"""bench/answer.py's side-by-side comparison: who goes first, and how the ratio is read (no index needed)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_answer", ROOT / "bench" / "answer.py")
    assert spec is not None and spec.loader is not None
    path, environment = list(sys.path), dict(os.environ)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    finally:  # the script puts the repository root first and sets a few defaults: leave the test run as it was
        sys.path[:] = path
        os.environ.clear()
        os.environ.update(environment)
    return module


def test_each_system_goes_first_on_every_other_question_and_the_order_turns_each_pass(bench) -> None:
    firsts = [bench.turn_order(i, 0)[0] for i in range(6)]
    assert firsts == ["ours", "stock"] * 3
    assert all(bench.turn_order(i, 1) == bench.turn_order(i, 0)[::-1] for i in range(6))
    assert all(sorted(bench.turn_order(i, r)) == ["ours", "stock"] for i in range(4) for r in range(3))


def _results(ms: list[list[float]], tokens: int) -> list[dict]:
    return [
        {"id": f"q{i}", "lang": "en", "expect": "answer", "rep": rep, "ms": v, "cpu_ms": v, "tokens": tokens, "calls": 1, "hit": True}
        for rep, values in enumerate(ms) for i, v in enumerate(values)
    ]


def test_the_ratio_is_printed_per_pass_over_all_passes_and_with_its_spread(bench, capsys) -> None:
    stock = [[10.0 + i for i in range(20)], [20.0 + i for i in range(20)]]  # the second pass ran on a slower machine
    ours = [[1.5 * v for v in values] for values in stock]
    bench.report_ratio(_results(ours, 30), _results(stock, 20), [0.5, 3.0])
    out = capsys.readouterr().out
    assert "| 1 | 42.0 | 28.0 | 1.50 |" in out and "| 0.50 |" in out and "| 3.00 |" in out
    assert "ratio of p95, wall: 1.50x over all passes; passes 1.50-1.50" in out
    assert "tokens embedded per reply p50 / p95 / max: ours 30 / 30 / 30" in out and "ratio of p95 1.50x" in out


def test_one_slow_pass_of_a_question_does_not_decide_the_median_figure(bench) -> None:
    passes = [[10.0] * 20, [10.0] * 20, [10.0] * 16 + [500.0] * 4]  # four questions slow in one pass
    results = _results(passes, 1)
    assert bench.percentile([r["ms"] for r in results], 0.95) == 500.0
    assert bench.p95_of_medians(results, "ms") == 10.0
    assert len(bench.first_pass(results)) == 20
