"""Rendering to printer languages (ESC/POS, ZPL, PDF), separate from any transport.

The names below load on first use: the spool and its workers import `printers.render.media` and
`pick_slip` at start, and must not load pypdf and Pillow's PDF path before the first job.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from printers.render.convert import ESCPOS_TYPE, ZPL_TYPE, Prepared, prepare
    from printers.render.pick_slip import (
        PICK_SLIP_TYPE,
        PickLine,
        PickSlip,
        render_pick_slip_escpos,
        render_pick_slip_text,
    )

__all__ = [
    "ESCPOS_TYPE",
    "PICK_SLIP_TYPE",
    "ZPL_TYPE",
    "PickLine",
    "PickSlip",
    "Prepared",
    "prepare",
    "render_pick_slip_escpos",
    "render_pick_slip_text",
]
_CONVERT = {"ESCPOS_TYPE", "ZPL_TYPE", "Prepared", "prepare"}


def __getattr__(name: str) -> Any:
    if name in __all__:
        home = "convert" if name in _CONVERT else "pick_slip"
        return getattr(import_module(f"printers.render.{home}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
