"""Every `packdesk …` command in the operator's docs is one the CLI accepts, options included.

What each does is exercised in tests/core/test_deploy_cli.py (service install, backup, restore,
db upgrade) and tests/amazon/test_accounts_cli.py (accounts add); this keeps the docs from naming
a command or option that does not exist.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from console.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
DOCS = ["docs/deploy.md", "docs/amazon-account.md", "README.md"]


def _commands(doc: str) -> list[str]:
    text = (ROOT / doc).read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```(?:bash|sh)\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = line.replace("$(date +%F)", "2026-12-01").replace('"$USER"', "packdesk")
            for part in re.split(r"&&|\|\|", line):
                words = shlex.split(part.strip(), comments=True)
                if words and words[0] in ("sudo",):
                    words = words[1:]
                if words and Path(words[0]).name == "packdesk":
                    found.append(shlex.join(words[1:]))
    return found


@pytest.mark.parametrize(
    "command",
    [pytest.param(c, id=f"{d}: {c}") for d in DOCS if (ROOT / d).exists() for c in _commands(d)],
)
def test_documented_command_parses(command: str) -> None:
    parser = build_parser()
    args = parser.parse_args(shlex.split(command))
    assert getattr(args, "handler", None) is not None or not shlex.split(command), command


def test_deploy_doc_shows_the_commands_it_is_about() -> None:
    found = " | ".join(_commands("docs/deploy.md"))
    for needed in (
        "service install --user",
        "service install --system",
        "backup ",
        "restore ",
        "db upgrade",
        "init",
    ):
        assert needed in found, needed
