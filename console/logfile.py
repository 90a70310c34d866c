"""While the console owns the terminal, log lines go to a file: Textual draws on stderr."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

# Rotated by size, so a console left running for months keeps at most ~25 MB of log per station.
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 4
# Libraries that log every step at INFO: fontTools wrote 97 % of the demo's log while subsetting.
QUIET = ("fontTools", "fpdf", "PIL")


def log_to_file(path: Path) -> Path:
    """Send the root logger's output to `path` instead of the terminal; returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.StreamHandler) and not isinstance(
            handler, logging.FileHandler
        ):
            root.removeHandler(handler)
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    for name in QUIET:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.WARNING)
    return path
