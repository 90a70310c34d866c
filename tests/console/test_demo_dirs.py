"""The demo no longer leaves a directory in /tmp per run: runs live in the user's cache, last few kept."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from console.cli.demo_cmd import prune_runs

ROOT = Path(__file__).resolve().parents[2]


def test_only_the_newest_runs_are_kept(tmp_path: Path) -> None:
    for i in range(5):
        run = tmp_path / f"run-2026120{i}-120000-1"
        run.mkdir()
        os.utime(run, (time.time() - 100 + i, time.time() - 100 + i))
    (tmp_path / "notes").mkdir()  # not a run: never touched
    gone = prune_runs(tmp_path, keep=3)
    assert sorted(p.name[:12] for p in gone) == ["run-20261200", "run-20261201"]
    assert sorted(p.name for p in tmp_path.iterdir())[0] == "notes"
    assert len(list(tmp_path.glob("run-*"))) == 3


@pytest.mark.network
@pytest.mark.slow
def test_headless_demo_writes_nothing_to_tmp(tmp_path: Path) -> None:
    tmp, cache = tmp_path / "tmp", tmp_path / "cache"
    tmp.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    env.update(TMPDIR=str(tmp), XDG_CACHE_HOME=str(cache), HOME=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "console.cli", "demo", "--headless", "--orders", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert not [p for p in tmp.iterdir() if p.name.startswith("packdesk-demo-")]
    runs = list((cache / "packdesk" / "demo").glob("run-*"))
    assert len(runs) == 1 and (runs[0] / "demo.json").exists()
