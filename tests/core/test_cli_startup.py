"""`packdesk --version` and `--help` answer without loading what no command runs yet.

The CLI used to import the emulator, Factur-X and the ORM before parsing arguments (1.7–1.9 s of
CPU for `--version`). Each command's module is now imported only when that command runs. What the
start costs in CPU is measured by `python -m bench cli`, not here: a loaded machine changes it.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys

import pytest

HEAVY = ("tortoise", "textual", "facturx", "aiohttp", "fpdf", "cryptography", "core.persistence")


def _child(code: str) -> tuple[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return done.stdout, cpu


PROBE = """
import contextlib, io, json, sys
from console.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
    main({argv!r})
print(json.dumps({{"out": out.getvalue(), "modules": sorted(sys.modules)}}))
"""


@pytest.mark.parametrize("argv", [["--version"], ["--help"]])
def test_version_and_help_load_no_heavy_module(argv: list[str]) -> None:
    stdout, _ = _child(PROBE.format(argv=argv))
    seen = json.loads(stdout.splitlines()[-1])
    loaded = [m for m in seen["modules"] if m.split(".")[0] in HEAVY or m in HEAVY]
    assert not loaded, (
        f"`packdesk {' '.join(argv)}` loaded {loaded[:8]}: give every command a line in "
        "console.cli.LAZY_COMMANDS so its module is imported only when it runs"
    )
    if argv == ["--help"]:
        for command in ("console", "demo", "init", "db", "orders", "accounts", "sync", "3pl"):
            assert command in seen["out"]


def test_a_command_help_loads_only_its_own_module() -> None:
    stdout, _ = _child(PROBE.format(argv=["orders", "--help"]))
    seen = json.loads(stdout.splitlines()[-1])
    cli_modules = {m for m in seen["modules"] if m.startswith("console.cli.")}
    assert "console.cli.orders" in cli_modules
    assert not cli_modules & {"console.cli.sync", "console.cli.documents", "console.cli.emulator"}
    assert "list" in seen["out"] and "show" in seen["out"]


def test_lazy_names_match_what_the_modules_register() -> None:
    from console.cli import LAZY_COMMANDS, build_parser

    full = build_parser()
    sub = next(a for a in full._actions if a.dest == "command")
    helps = {c.dest: c.help for c in sub._choices_actions}  # type: ignore[attr-defined]
    for command, (_, help_text) in LAZY_COMMANDS.items():
        assert command in helps, f"{command} is listed but no module registers it"
        assert helps[command] == help_text, command


CONSOLE_START = (
    "import console.cli.console_cmd, console.app, console.services, console.logfile, "
    "console.runtime, console.wiring"
)
RENDERER = ("fpdf", "fontTools", "facturx", "pypdf", "drafthorse")


def test_console_start_loads_no_pdf_renderer() -> None:
    # The renderer cost ~0.8 s of the 2.4–3.7 s before the sign-in screen; it loads at first use.
    code = CONSOLE_START + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    stdout, _cpu = _child(code)  # its CPU is a figure of `bench console`, not a test
    loaded = [m for m in json.loads(stdout.splitlines()[-1]) if m.split(".")[0] in RENDERER]
    assert not loaded, f"the console's start loads {loaded[:6]}"
