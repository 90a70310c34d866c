"""Rendering to printer languages (ESC/POS, ZPL, PDF), separate from any transport."""

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
