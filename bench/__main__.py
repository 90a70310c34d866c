"""Run benchmarks: `python -m bench` (all) or `python -m bench foundation printers …`.

Each `bench/<name>_bench.py` is a script that prints its figures and the ratio to its target.
They are not tests: they measure, on demand, on this machine.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import RATIO_NOTE  # noqa: E402


def main(names: list[str]) -> int:
    available = sorted(p.stem.removesuffix("_bench") for p in HERE.glob("*_bench.py"))
    chosen = names or available
    unknown = [n for n in chosen if n not in available]
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(available)}",
            file=sys.stderr,
        )
        return 2
    print(RATIO_NOTE)
    failed = 0
    for name in chosen:
        print(f"\n=== {name}", flush=True)
        failed |= (
            subprocess.call([sys.executable, str(HERE / f"{name}_bench.py")], cwd=HERE.parent) != 0
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
