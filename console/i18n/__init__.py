"""Every text a packer reads goes through `_()`; catalogs are gettext `.po` files beside this module.

Catalogs are read from `<lang>/LC_MESSAGES/packdesk.po` when the console starts (no build step, so
adding a language is adding one file). English is the source language: a missing translation shows
the English text. The active language is process-wide, like gettext's own `install()`: one console
process serves one packer (SSH and the browser start a process per session).
"""

from __future__ import annotations

import ast
import gettext
import locale
import os
from pathlib import Path

DOMAIN = "packdesk"
HERE = Path(__file__).parent
_active: list[gettext.NullTranslations] = [gettext.NullTranslations()]


class PoTranslations(gettext.NullTranslations):
    """A catalog read straight from a `.po` file (msgid/msgstr pairs, multi-line strings)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.catalog: dict[str, str] = parse_po(path.read_text(encoding="utf-8"))

    def gettext(self, message: str) -> str:
        return self.catalog.get(message) or message


def parse_po(text: str) -> dict[str, str]:
    """msgid -> msgstr for every translated, non-fuzzy entry of a `.po` file."""
    catalog: dict[str, str] = {}
    msgid: list[str] = []
    msgstr: list[str] = []
    target: list[str] | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal fuzzy
        key, value = "".join(msgid), "".join(msgstr)
        if key and value and not fuzzy:
            catalog[key] = value
        msgid.clear()
        msgstr.clear()
        fuzzy = False

    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#,") and "fuzzy" in line:
            if msgstr:
                flush()
            fuzzy = True
        elif line.startswith("msgid "):
            if msgstr:
                flush()
            target = msgid
            target.append(ast.literal_eval(line[6:]))
        elif line.startswith("msgstr "):
            target = msgstr
            target.append(ast.literal_eval(line[7:]))
        elif line.startswith('"') and target is not None:
            target.append(ast.literal_eval(line))
    flush()
    return catalog


def available_languages() -> list[str]:
    return sorted(p.parent.parent.name for p in HERE.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def resolve_language(configured: str | None) -> str:
    """The configured language, else the locale's, else English."""
    candidates = [configured or "", os.environ.get("LANG", ""), locale.getlocale()[0] or ""]
    known = available_languages()
    for candidate in candidates:
        code = candidate.split(".")[0].split("_")[0].lower()
        if code in known:
            return code
    return "en"


def use_language(language: str | None) -> str:
    """Make `language` the one `_()` answers in; returns the language actually used."""
    code = resolve_language(language)
    path = HERE / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    _active[0] = PoTranslations(path) if path.exists() else gettext.NullTranslations()
    return code


def _(message: str) -> str:
    """The text in the active language."""
    return _active[0].gettext(message)
