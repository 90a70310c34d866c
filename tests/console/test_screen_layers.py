"""Screens know the desk only as a `Station` (console/station.py): no screen imports console.app.

A screen importing the App made a twelve-file import loop (app → screens → base → app). Checked by
reading the source (also imports inside functions and under TYPE_CHECKING) and in a fresh
interpreter that loads every screen module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "console" / "screens"


def _app_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        found += [
            f"{path.relative_to(ROOT)}:{node.lineno} {n}"
            for n in names
            if n == "console.app" or n.startswith("console.app.")
        ]
    return found


def test_no_screen_module_imports_the_app():
    offenders = [hit for p in sorted(SCREENS.rglob("*.py")) for hit in _app_imports(p)]
    assert offenders == [], "screens get a Station, not the App:\n" + "\n".join(offenders)


PROBE = """
import importlib, pkgutil, sys
import console.screens
for info in pkgutil.walk_packages(console.screens.__path__, "console.screens."):
    importlib.import_module(info.name)
print("console.app loaded" if "console.app" in sys.modules else "clean")
"""


def test_loading_every_screen_leaves_the_app_unloaded():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "clean"
