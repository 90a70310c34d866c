"""The Leitweg-ID (BT-10 Buyer reference) a public buyer in Germany is invoiced under.

Format (KoSIT, "Format-Spezifikation Leitweg-ID" 2.0.2): coarse address (2–12 digits), optional
fine address (up to 30 letters/digits), check number (2 digits), joined by hyphens. The check
number follows ISO/IEC 7064 MOD 97-10 as in an IBAN: with letters as numbers (A=10 … Z=35), the
whole ID without hyphens, read as one number, leaves the remainder 1 when divided by 97.
"""

from __future__ import annotations

import re

from core.errors import UserInputError

_SHAPE = re.compile(r"^(\d{2,12})(?:-([A-Za-z0-9]{1,30}))?-(\d{2})$")
RULE = "ISO/IEC 7064 MOD 97-10 over the whole ID (letters A=10 … Z=35) must leave 1"


def check_leitweg_id(value: str) -> str:
    """The Leitweg-ID, upper-cased; UserInputError naming the broken rule if it is not one."""
    lid = value.strip().upper()
    if not lid:
        raise UserInputError("--leitweg-id is empty: an XRechnung needs the buyer's Leitweg-ID.")
    if not _SHAPE.match(lid):
        raise UserInputError(
            f"Leitweg-ID {value!r} is malformed: 2–12 digits, optionally '-' and up to 30 "
            "letters/digits, then '-' and a 2-digit check number (e.g. 04011000-1234512345-06)."
        )
    digits = "".join(str(int(ch, 36)) for ch in lid.replace("-", ""))
    if int(digits) % 97 != 1:
        raise UserInputError(f"Leitweg-ID {value!r}: the check number is wrong ({RULE}).")
    return lid
