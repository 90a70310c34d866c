"""The browser station in a real headless Chromium: the first scan lands without anyone clicking.

`packdesk web` (textual-serve) runs one console per tab. Selenium drives Debian's chromium through
/usr/bin/chromedriver; nothing is downloaded at run time. The page used to leave focus on <body>, so
keys went nowhere until a click; now the terminal's input has focus on load (console/web.py). The
console's own scan field focusing while the tab is blurred is a Pilot test (test_keys_across_screens).

The terminal draws on a canvas, so what it shows is read where xterm.js gets it: the console's
output over the page's WebSocket, recorded by a script the test adds before the page loads.
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
BADGE = "P-WEB-4711"  # nobody's: the sign-in screen answers it in words
# Every frame the console sends to the page's terminal, as text (escape sequences included).
RECORD_TERMINAL_OUTPUT = """
window.__terminalOutput = [];
const Native = window.WebSocket;
window.WebSocket = function (...args) {
  const socket = new Native(...args);
  socket.addEventListener("message", (event) => {
    const data = event.data;
    if (typeof data === "string") { window.__terminalOutput.push(data); return; }
    const decode = (buffer) => new TextDecoder().decode(new Uint8Array(buffer));
    if (data instanceof ArrayBuffer) { window.__terminalOutput.push(decode(data)); return; }
    data.arrayBuffer().then((buffer) => window.__terminalOutput.push(decode(buffer)));
  });
  return socket;
};
window.WebSocket.prototype = Native.prototype;
Object.assign(window.WebSocket, Native);
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(condition, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited for {what}"
        time.sleep(0.2)  # polling a condition with a deadline


def _shown(browser) -> str:
    return "".join(browser.execute_script("return window.__terminalOutput || []"))


def test_a_scan_typed_into_a_fresh_tab_reaches_the_scan_field_and_is_answered(tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver")
    if not (shutil.which("chromium") and os.path.exists(CHROMEDRIVER)):
        pytest.skip("chromium and chromium-driver are not installed")
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.keys import Keys

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
        browser.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_TERMINAL_OUTPUT}
        )
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
        _wait(lambda: "Scan your badge" in _shown(browser), "the sign-in screen in the page")
        # A scanner is a keyboard: it types into whatever has the page's focus, then Enter.
        browser.switch_to.active_element.send_keys(BADGE + Keys.ENTER)
        answer = f"No packer has the badge '{BADGE}'"
        _wait(lambda: answer in _shown(browser), "the console's answer to the scan on the page")
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
