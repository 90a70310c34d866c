"""Print one of the README's two set-up commands, exactly as the README shows it.

`.ci/run` and `.ci/readme-verbatim.sh` run what this prints, so CI can never drift from what a new
user copies: ``python3 .ci/readme_command.py demo`` or ``... tests``. Standard library only: it runs
before any virtual environment exists.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
# The code block that follows each sentence of the "Two commands" section.
LEADS = {"demo": "Install and run the demo", "tests": "Install and run the tests"}


def readme_command(which: str, text: str | None = None) -> str:
    text = README.read_text(encoding="utf-8") if text is None else text
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    start = section.index(LEADS[which])
    block = re.search(r"```bash\n(.+?)\n```", section[start:], re.S)
    if block is None or "\n" in block.group(1).strip():
        raise SystemExit(f"README: the {which} command is not one line in a bash block")
    return block.group(1).strip()


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in LEADS:
        raise SystemExit("usage: readme_command.py demo|tests")
    print(readme_command(sys.argv[1]))
