"""`packdesk init` asks for the company data and a supervisor PIN on a terminal, takes flags in
scripts, and says what is still missing (issue 18: set-up order trapped the seller)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from tests.core.test_cli import ROOT, packdesk


def _env(tmp_path: Path) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    environ.update(
        PACKDESK_CONFIG=str(tmp_path / "config.toml"), PACKDESK_DATA_DIR=str(tmp_path / "data")
    )
    return environ


def _company(tmp_path: Path) -> dict[str, str]:
    return tomllib.loads((tmp_path / "config.toml").read_text())["company"]


def test_flags_fill_company_and_init_names_what_is_missing(tmp_path):
    env = _env(tmp_path)
    first = packdesk(env, "init", "--company-name", "Muster GmbH", "--email", "a@muster.example")
    assert first.returncode == 0, first.stderr
    company = _company(tmp_path)
    assert company["name"] == "Muster GmbH" and company["email"] == "a@muster.example"
    assert "Missing:   company.street" in first.stdout
    assert "company.phone (Amazon Buy Shipping labels)" in first.stdout
    assert "company.vat_id or company.tax_number (invoices)" in first.stdout
    rest = packdesk(
        env, "init", "--street", "Lagerstraße 1", "--postcode", "10115", "--city", "Berlin",
        "--vat-id", "DE123456789", "--phone", "+49 30 1234567",
    )  # fmt: skip
    assert rest.returncode == 0, rest.stderr
    assert "Missing" not in rest.stdout
    assert _company(tmp_path)["street"] == "Lagerstraße 1"
    # The starter file's comments survive the edits.
    assert "Buy Shipping needs" in (tmp_path / "config.toml").read_text()


def test_supervisor_pin_from_the_environment_for_scripts(tmp_path):
    env = {**_env(tmp_path), "PACKDESK_SUPERVISOR_PIN": "4711"}
    done = packdesk(env, "init")
    assert done.returncode == 0 and "PIN set:   supervisor" in done.stdout
    assert "4711" not in done.stdout + done.stderr


def _converse(argv: list[str], env: dict[str, str], answers: dict[str, str]) -> str:
    """Run argv on a pseudo-terminal, answering each prompt that ends with one of `answers`."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT)
    os.close(slave)
    seen, pending = "", dict(answers)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 4096).decode(errors="replace")
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
                for prompt in list(pending):
                    if seen.rstrip().endswith(prompt):
                        os.write(master, (pending.pop(prompt) + "\n").encode())
                        seen += "\n"
            elif proc.poll() is not None:
                break
        proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, seen
    return seen


def test_on_a_terminal_init_asks_for_company_and_pin(tmp_path):
    env = _env(tmp_path)
    answers = {
        "Company name:": "Muster GmbH",
        "Street and number:": "Lagerstraße 1",
        "Postcode:": "10115",
        "City:": "Berlin",
        "Country (two letters, e.g. DE) [DE]:": "",
        "only a tax number):": "DE123456789",
        "E-mail for the ship-from address:": "versand@muster.example",
        "Phone for the ship-from address:": "+49 30 1234567",
        "Enter to set it later):": "2468",
        "Again:": "2468",
    }
    seen = _converse([sys.executable, "-m", "console.cli", "init"], env, answers)
    company = _company(tmp_path)
    assert company["name"] == "Muster GmbH" and company["phone"] == "+49 30 1234567"
    assert company["vat_id"] == "DE123456789" and company["country"] == "DE"
    assert "PIN set:   supervisor" in seen and "Missing" not in seen
