"""The README's two set-up commands: what a new user on Debian/Ubuntu copies, and what CI runs.

The full, real run (fresh copy, clean HOME, the system's python3) is `.ci/readme-verbatim.sh`, which
`.ci/run` calls; these tests keep the commands and CI tied together and check the commands against
a python3 that refuses `pip install` the way Debian's externally managed one does.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / ".ci"))
from readme_command import readme_command  # noqa: E402

# A stand-in for Debian's python3: `-m venv DIR` makes a venv whose pip and python only record
# their calls; anything else that would install into the system is refused as Debian refuses it.
FAKE_PYTHON3 = """#!/bin/sh
echo "python3 $*" >> "$CALLS"
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
    mkdir -p "$3/bin"
    for tool in pip python packdesk; do
        printf '#!/bin/sh\\necho "venv-%s $*" >> "$CALLS"\\n' "$tool" > "$3/bin/$tool"
        chmod +x "$3/bin/$tool"
    done
    exit 0
fi
case "$*" in *pip*|*pytest*)
    echo "error: externally-managed-environment" >&2; exit 1;;
esac
exit 0
"""


def _run_with_system_python(command: str, tmp_path: Path) -> list[str]:
    bin_dir = tmp_path / "system-bin"
    bin_dir.mkdir()
    fake = bin_dir / "python3"
    fake.write_text(FAKE_PYTHON3)
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    for tool in ("pip", "pip3", "packdesk", "pytest"):  # none of these exist on a fresh machine
        assert not (bin_dir / tool).exists()
    calls = tmp_path / "calls.txt"
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "CALLS": str(calls), "HOME": str(tmp_path)}
    done = subprocess.run(
        ["bash", "-c", command], cwd=checkout, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return calls.read_text().splitlines()


@pytest.mark.parametrize("which", ["demo", "tests"])
def test_readme_command_works_where_system_pip_is_refused(which: str, tmp_path: Path) -> None:
    calls = _run_with_system_python(readme_command(which), tmp_path)
    assert calls[0] == "python3 -m venv .venv"
    assert all(not c.startswith("python3 ") for c in calls[1:]), calls
    assert any(c.startswith("venv-pip install -e ") for c in calls), calls
    last = calls[-1]
    assert last == ("venv-packdesk demo" if which == "demo" else "venv-python -m pytest"), calls


def test_ci_runs_exactly_the_readme_test_command() -> None:
    run = (ROOT / ".ci" / "run").read_text()
    assert "test_command=$(python3 .ci/readme_command.py tests)" in run
    assert 'bash -c "$test_command"' in run
    # No second, hand-written way of starting the suite that could drift from the README.
    assert "pytest" not in run.replace("pytest selected no tests", "")
    assert "bash .ci/readme-verbatim.sh" in run


def test_ci_treats_no_collected_tests_as_failure() -> None:
    run = (ROOT / ".ci" / "run").read_text()
    tail = run[run.index('bash -c "$test_command"') :]
    assert 'if [ "$status" -eq 5 ]' in tail and "exit 1" in tail


def test_extraction_takes_the_block_after_each_lead() -> None:
    text = (
        "# X\n\n## Two commands\n\nInstall and run the demo — x:\n\n```bash\nA && B\n```\n\n"
        "Install and run the tests:\n\n```bash\nC && D\n```\n\n## Next\n\n```bash\nE\n```\n"
    )
    assert readme_command("demo", text) == "A && B"
    assert readme_command("tests", text) == "C && D"


def test_verbatim_script_runs_in_a_clean_environment() -> None:
    script = (ROOT / ".ci" / "readme-verbatim.sh").read_text()
    assert "env -i" in script and 'HOME="$work/home"' in script
    assert 'readme_command.py" demo' in script and 'readme_command.py" tests' in script
    assert os.access(ROOT / ".ci" / "readme-verbatim.sh", os.X_OK)
