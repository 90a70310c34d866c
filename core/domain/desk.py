"""Desk rules that need no database: which first scan may claim an order.

The one-scan rule (an article scan claims the most urgent single-item order for it) is what makes
the desk fast, and what made a damaged order scan dangerous: `302-0000001-…` arrived as `02-…`,
was not found, and the article scanned next claimed and shipped a *different* order. After a code
that looks like an order number was not found, an article claims nothing until it is scanned a
second time in a row, on purpose.
"""

from __future__ import annotations

import re

# Digits in dash-separated groups, as on an Amazon order id, even with characters missing.
_ORDER_LIKE = re.compile(r"^\d{0,3}-?\d{3,7}-\d{0,7}$|^\d{1,3}-\d{0,7}$")
MAX_SCAN_LENGTH = 200  # no barcode is longer; anything longer is answered without a lookup


def clean_code(text: str) -> str:
    """A scan as the database may see it: no control characters (PostgreSQL refuses NUL), capped."""
    return "".join(c for c in text[: MAX_SCAN_LENGTH * 2] if c.isprintable())[:MAX_SCAN_LENGTH]


def looks_like_order(code: str) -> bool:
    """A code that is, or may be a damaged, Amazon order number."""
    return len(code) >= 4 and "-" in code and bool(_ORDER_LIKE.match(code))


class FirstScanGuard:
    """Remembers an unknown order-like scan and asks for an article scan to be repeated."""

    def __init__(self) -> None:
        self.suspect: str | None = None  # the order-like code that was not found (or left)
        self.left = False  # the suspect is the desk's own order, taken away from it
        self._article: str | None = None  # the article scanned once since

    def not_found(self, code: str) -> None:
        if looks_like_order(code):
            self.suspect, self._article, self.left = code, None, False

    def lost(self, order: str) -> None:
        """The desk's order was taken away (another desk took it over, or it was closed).

        The packer's next article scan was most likely meant for it: it claims nothing until it
        is scanned again, or the one-scan rule would claim, and ship, some other order.
        """
        self.suspect, self._article, self.left = order, None, True

    def may_open(self, code: str, *, names_an_order: bool) -> bool:
        """True when this scan may claim an order; False asks for the article once more."""
        if (
            self.suspect is None
            or names_an_order
            or looks_like_order(code)
            or self._article == code
        ):
            self.suspect = self._article = None
            self.left = False
            return True
        self._article = code
        return False
