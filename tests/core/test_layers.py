"""The dependency rule: core ← printers ← console. Checked in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import importlib, pkgutil, sys
import core, printers
for package in (core, printers):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if ".migrations" not in info.name:
            importlib.import_module(info.name)
leaked = sorted(m for m in sys.modules if m.split(".")[0] in {"textual", "rich", "console"})
print(",".join(leaked) or "clean")
"""


def test_core_and_printers_never_import_textual_rich_or_console():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "clean"


def test_core_never_imports_printers():
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "core").rglob("*.py")
        if any(
            line.lstrip().startswith(("import printers", "from printers"))
            for line in p.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert offenders == []
