"""Printing for people (rich tables) and for programs (stable JSON)."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterable, Iterable, Sequence
from typing import Any

import orjson


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


async def write_json_stream(batches: AsyncIterable[list[Any]]) -> None:
    """A JSON list written batch by batch, byte for byte what `print_json(all items)` prints."""
    out = sys.stdout.buffer
    first = True
    async for batch in batches:
        if not batch:
            continue
        # orjson's indented form equals json's indent=2; each batch is a list without its brackets.
        body = orjson.dumps(batch, option=orjson.OPT_INDENT_2)[2:-2]
        out.write((b"[\n" if first else b",\n") + body)
        first = False
    out.write(b"[]\n" if first else b"\n]\n")
    out.flush()


def print_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "") -> None:
    from rich.console import Console  # not for JSON output: rich costs ~0.1 s to import
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title or None, show_lines=False)
    for column in columns:
        table.add_column(column)
    for row in rows:
        # cells are data (Amazon's words, buyers' names), never markup
        table.add_row(*(Text("" if v is None else str(v)) for v in row))
    Console().print(table)
