"""The browser station in a real headless Chromium: the first scan lands without anyone clicking.

`packdesk web` (textual-serve) runs one console per tab. Selenium drives Debian's chromium through
/usr/bin/chromedriver; nothing is downloaded at run time. The page used to leave focus on <body>, so
keys went nowhere until a click; now the terminal's input has focus on load (console/web.py). The
console's own scan field focusing while the tab is blurred is a Pilot test (test_keys_across_screens).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
CHROMEDRIVER = "/usr/bin/chromedriver"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(condition, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited for {what}"
        time.sleep(0.2)  # polling a condition with a deadline


def test_a_fresh_browser_tab_gives_the_terminal_focus_without_a_click(tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver")
    if not (shutil.which("chromium") and os.path.exists(CHROMEDRIVER)):
        pytest.skip("chromium and chromium-driver are not installed")
    from selenium.webdriver.chrome.service import Service

    port = _free_port()
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    env.update(PACKDESK_CONFIG=os.devnull, PACKDESK_DATA_DIR=str(data), PYTHONPATH=str(ROOT))
    server = subprocess.Popen(
        [sys.executable, "-m", "console.cli", "web", "--no-token", "--port", str(port)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    options = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--no-first-run", "--window-size=1200,900"):  # fmt: skip
        options.add_argument(flag)
    browser = None
    try:
        _wait(lambda: _connects(port), "packdesk web to listen")
        browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        browser.get(f"http://127.0.0.1:{port}/")
        # No click: the terminal's input must have the page's focus, so the first scan lands.
        _wait(
            lambda: (
                browser.execute_script(
                    "return document.activeElement && document.activeElement.className"
                )
                == "xterm-helper-textarea"
            ),
            "the terminal to have the page's focus (nobody clicked)",
        )
    finally:
        if browser is not None:
            browser.quit()
        server.terminate()
        server.wait(timeout=30)


def _connects(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False
