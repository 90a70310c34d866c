"""Benchmarks: one meaning of "ratio" (> 1 is better than the target), databases of their own."""

from __future__ import annotations

import re
from pathlib import Path

from bench.common import ratio

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_ratio_is_better_than_target_both_ways() -> None:
    assert ratio(2000, 1000, higher_is_better=True) == 2.0  # twice the throughput asked
    assert ratio(10, 20, higher_is_better=False) == 2.0  # half the latency allowed
    assert ratio(40, 20, higher_is_better=False) == 0.5


def test_no_bench_divides_a_latency_by_its_target() -> None:
    # `value / target` for a "≤" target made a worse figure look like a bigger ratio.
    for path in BENCH.glob("*_bench.py"):
        text = path.read_text()
        assert not re.search(r"ratio \{value / \d+", text), path.name
        assert "value / target" not in text, path.name


def test_foundation_bench_drops_only_its_own_database() -> None:
    text = (BENCH / "foundation_bench.py").read_text()
    assert 'packdesk_bench"' not in text and "DROP DATABASE" not in text
    common = (BENCH / "common.py").read_text()
    assert "uuid" in common and 'DROP DATABASE IF EXISTS "{name}"' in common
