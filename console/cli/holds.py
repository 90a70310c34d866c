"""`packdesk holds sheet -o FILE` — the desk sheet with one barcode per hold reason."""

from __future__ import annotations

import argparse
from pathlib import Path

from console.runtime import settings_from
from core.documents.desk_sheet import render_desk_sheet
from core.errors import UserInputError
from core.services import holds


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("holds", help="hold reasons: the desk sheet with their barcodes")
    holds_sub = parser.add_subparsers(dest="holds_command", metavar="ACTION")
    sheet = holds_sub.add_parser(
        "sheet", help="a PDF with one barcode per reason (desk.hold_reasons)"
    )
    sheet.add_argument("-o", "--output", required=True, help="the PDF file to write")
    sheet.set_defaults(handler=run_sheet)


def run_sheet(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    target = Path(args.output)
    if target.is_dir() or not target.parent.is_dir():
        raise UserInputError(f"{target}: not a file in an existing directory.")
    desk = settings.desk
    listed = holds.reasons(desk.hold_reasons, desk.hold_code_prefix)
    pdf = render_desk_sheet("Packdesk — hold reasons", holds.sheet_codes(listed, desk.cancel_code))
    target.write_bytes(pdf)
    print(f"{target}: {len(listed)} hold reason(s) and the stop code {desk.cancel_code}")
    return 0
