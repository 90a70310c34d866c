"""The real console in a real terminal: start the demo in tmux, sign in, pack an order by typing its
barcodes, and see it shipped — label in the demo printer folder, confirmation at the emulator."""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.network]
ROOT = Path(__file__).resolve().parents[2]


def _demo_argv(data_dir: Path) -> list[str]:
    if importlib.util.find_spec("console.cli.emulator") is None:  # a sibling module not landed yet
        code = (
            "import importlib.util, sys; import console.cli as c; "
            "c.COMMAND_MODULES = tuple(m for m in c.COMMAND_MODULES if importlib.util.find_spec(m)); "
            "sys.exit(c.main())"
        )
        return [sys.executable, "-c", code, "demo", "--data-dir", str(data_dir)]
    return [sys.executable, "-m", "console.cli", "demo", "--data-dir", str(data_dir)]


class Tmux:
    def __init__(self, name: str) -> None:
        self.name = name

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout

    def pane(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.name)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", self.name, "-l", text)
        self.run("send-keys", "-t", self.name, "Enter")

    def wait(self, condition: Callable[[str], bool], what: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.pane()
            if condition(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"waited for {what}; the screen shows:\n{screen}")
            time.sleep(0.1)


@pytest.fixture
def tmux(tmp_path: Path):
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (apt-get install tmux)")
    session = Tmux(f"packdesk-test-{os.getpid()}")
    data_dir = tmp_path / "demo"
    env = " ".join(
        f"{k}={shlex.quote(v)}"
        for k, v in {"TERM": "xterm-256color", "PACKDESK_CONFIG": str(tmp_path / "none.toml"),
                     "PYTHONPATH": str(ROOT)}.items()
    )  # fmt: skip
    (tmp_path / "none.toml").write_text("")
    command = (
        f"cd {shlex.quote(str(ROOT))} && env {env} {shlex.join(_demo_argv(data_dir))}; sleep 30"
    )
    session.run("new-session", "-d", "-s", session.name, "-x", "80", "-y", "24", command)
    try:
        yield session, data_dir
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session.name], capture_output=True)


def test_pack_an_order_in_the_real_console(tmux):
    term, data_dir = tmux
    term.wait(lambda s: "Scan your badge" in s, "the sign-in screen", timeout=90)
    demo = json.loads((data_dir / "demo.json").read_text())
    order = demo["orders"][0]
    term.type("P-ANNA")
    term.wait(lambda s: "No order on the desk" in s, "the packing screen")
    term.type(order["order"])
    term.wait(lambda s: "scan its" in s, "the order on the desk")
    for code in order["codes"]:
        term.type(code)
    screen = term.wait(lambda s: "Amazon ✓" in s and "label ✓" in s, "label and confirmation", 90)
    assert order["order"] in screen
    labels = list((data_dir / "printouts").rglob("*.pdf"))
    assert labels, "no PDF reached the demo printer folders"
    with urllib.request.urlopen(demo["emulator"] + "/_emulator/state", timeout=10) as response:
        state = json.loads(response.read())
    assert order["order"] in json.dumps(state.get("confirmations", state))
    term.run("send-keys", "-t", term.name, "C-q")


@pytest.fixture
def cpu_load():
    """Both cores busy, as on a shared machine or a desk PC doing something else."""
    if shutil.which("stress-ng") is None:
        pytest.skip("stress-ng is not installed (apt-get install stress-ng)")
    load = subprocess.Popen(
        ["stress-ng", "--cpu", "2", "--timeout", "300s", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        load.terminate()
        load.wait(timeout=30)


def test_badge_and_first_order_scanned_in_one_go_under_load(tmux, cpu_load):
    """The packer scans the badge and at once the order: its first digits must not get lost."""
    term, data_dir = tmux
    term.wait(lambda s: "Scan your badge" in s, "the sign-in screen", timeout=180)
    demo = json.loads((data_dir / "demo.json").read_text())
    order = demo["orders"][0]
    scans = ["P-ANNA", order["order"], *order["codes"]]
    term.run("send-keys", "-t", term.name, "-l", "\r".join(scans) + "\r")
    screen = term.wait(lambda s: "shipped" in s or "not known" in s, "the order shipped", 180)
    assert order["order"] in screen and "not known" not in screen, screen
