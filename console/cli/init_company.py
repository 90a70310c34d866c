"""`packdesk init`'s company questions: asked on a terminal, given as flags in scripts.

The seller's data is needed before the first `sync`: invoices need name, address and a VAT id or
tax number, Amazon Buy Shipping needs an e-mail and a phone for the ship-from address. Whatever is
still missing afterwards is named, with what waits for it.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import tomli_w

from core.config import CompanySettings

# (config key, question, what needs it)
FIELDS = (
    ("name", "Company name", "invoices and labels"),
    ("street", "Street and number", "invoices and labels"),
    ("postcode", "Postcode", "invoices and labels"),
    ("city", "City", "invoices and labels"),
    ("country", "Country (two letters, e.g. DE)", "invoices and labels"),
    ("vat_id", "VAT id (e.g. DE123456789; Enter if you have only a tax number)", "invoices"),
    ("tax_number", "Tax number (Steuernummer; Enter to skip)", "invoices without a VAT id"),
    ("email", "E-mail for the ship-from address", "Amazon Buy Shipping labels"),
    ("phone", "Phone for the ship-from address", "Amazon Buy Shipping labels"),
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    for key, question, _ in FIELDS:
        flag = "--company-name" if key == "name" else f"--{key.replace('_', '-')}"
        p.add_argument(
            flag, dest=f"company_{key}", metavar="TEXT", help=f"[company] {key}: {question}"
        )


def missing(company: CompanySettings) -> list[str]:
    """`company.key (what needs it)` for every value still missing."""
    gaps = []
    for key, _, needed_by in FIELDS:
        if key in ("vat_id", "tax_number"):
            continue
        if not str(getattr(company, key) or "").strip():
            gaps.append(f"company.{key} ({needed_by})")
    if not (company.vat_id or company.tax_number):
        gaps.append("company.vat_id or company.tax_number (invoices)")
    return gaps


def collect(args: argparse.Namespace, company: CompanySettings) -> dict[str, str]:
    """New values: flags first, then (on a terminal) a question for each value still empty."""
    values = {}
    ask = sys.stdin.isatty()
    for key, question, _ in FIELDS:
        given = getattr(args, f"company_{key}", None)
        if given is not None:
            values[key] = given.strip()
            continue
        current = str(getattr(company, key) or "").strip()
        if current and not (key == "country" and not company.name):
            continue
        if key == "tax_number" and (values.get("vat_id") or company.vat_id):
            continue
        if ask:
            default = f" [{current}]" if current else ""
            answer = input(f"{question}{default}: ").strip()
            if answer:
                values[key] = answer
    return values


def write_company(path: Path, values: dict[str, str]) -> None:
    """Set keys in the config file's [company] section, keeping every other line as it is."""
    if not values:
        return
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.strip() == "[company]"), None)
    if start is None:
        lines += ["", "[company]"]
        start = len(lines) - 1
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines)
    )
    for key, value in values.items():
        line = tomli_w.dumps({key: value}).strip()
        pattern = re.compile(rf"^\s*#?\s*{re.escape(key)}\s*=")
        hit = next((i for i in range(start + 1, end) if pattern.match(lines[i])), None)
        if hit is None:
            lines.insert(end, line)
            end += 1
        else:
            old = lines[hit]
            # Keep the line's comment (why the key matters); a commented-out key becomes live.
            comment = (
                old.split("#", 1)[1] if "#" in old and not old.lstrip().startswith("#") else ""
            )
            lines[hit] = f"{line}   #{comment}" if comment else line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
