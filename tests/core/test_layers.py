"""The dependency rule: core ← printers ← console, and console touches no ORM. Checked in a fresh
interpreter and by reading the source."""

from __future__ import annotations

import ast
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


# -- the console is a thin layer: it shows what core answers and touches no ORM model ---------
FORBIDDEN_IN_CONSOLE = ("core.persistence.models", "tortoise")


def _forbidden(module: str) -> bool:
    return any(module == f or module.startswith(f + ".") for f in FORBIDDEN_IN_CONSOLE)


def _orm_imports(path: Path) -> list[str]:
    """Every import of an ORM model or of tortoise in one file, anywhere in it (also in functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        found += [f"{path.relative_to(ROOT)}:{node.lineno} {n}" for n in names if _forbidden(n)]
    return found


def test_no_console_module_imports_an_orm_model_or_tortoise():
    offenders = [hit for p in sorted((ROOT / "console").rglob("*.py")) for hit in _orm_imports(p)]
    assert offenders == [], "console must ask core services, not the ORM:\n" + "\n".join(offenders)


# Every console module imported in a fresh interpreter; an import hook names each console module
# that itself imports the ORM (also through importlib), which the AST scan cannot see.
CONSOLE_PROBE = """
import builtins, importlib, pkgutil, sys
forbidden = ("core.persistence.models", "tortoise")
hits = set()
real_import = builtins.__import__

def watching(name, globals=None, locals=None, fromlist=(), level=0):
    importer = (globals or {}).get("__name__", "")
    if level == 0 and importer.split(".")[0] == "console":
        names = [name] + [f"{name}.{f}" for f in fromlist or ()]
        if any(n == f or n.startswith(f + ".") for n in names for f in forbidden):
            hits.add(f"{importer} -> {name}")
    return real_import(name, globals, locals, fromlist, level)

builtins.__import__ = watching
real_import_module = importlib.import_module

def watching_module(name, package=None):
    caller = sys._getframe(1).f_globals.get("__name__", "")
    if caller.split(".")[0] == "console" and any(
        name == f or name.startswith(f + ".") for f in forbidden
    ):
        hits.add(f"{caller} -> {name}")
    return real_import_module(name, package)

importlib.import_module = watching_module
import console
for info in pkgutil.walk_packages(console.__path__, "console."):
    if info.name != "console.cli.__main__":
        real_import_module(info.name)
print(",".join(sorted(hits)) or "clean")
"""


def test_console_modules_import_no_orm_model_when_loaded():
    out = subprocess.run(
        [sys.executable, "-c", CONSOLE_PROBE], cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "clean"
