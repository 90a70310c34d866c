"""Text from scans, Amazon, buyers, packers and files is shown as it is, never read as markup.

Textual reads `[...]` in a plain `str` as content markup: a scan of `[/x]` raised MarkupError and
closed the desk, `[b]` turned bold. Every widget that shows such text is one of these (markup off),
and every value is passed through `shown` first: control characters (escape sequences, the GS1
separator) become visible symbols instead of reaching the terminal, and very long values are cut.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.widgets import DataTable, Label, OptionList, Static

_CONTROL = {c: chr(0x2400 + c) for c in range(32)} | {0x7F: "␡"}
_CONTROL |= {c: "�" for c in range(0x80, 0xA0)}


def shown(value: object, limit: int = 80) -> str:
    """`value` as a safe single piece of text: control characters visible, at most `limit` long."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.translate(_CONTROL)


def plain(value: object, limit: int = 200, style: str = "") -> Text:
    """A rich Text that shows `value` literally (a DataTable or rich Table cell, a prompt)."""
    return Text(shown(value, limit), style=style)


def multiline(lines: Iterable[str]) -> Text:
    """Several lines we wrote ourselves (each already passed through `shown` where needed)."""
    return Text("\n".join(lines))


class Plain(Static):
    """A Static whose text is never markup."""

    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(content, **kwargs)

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        # The desk sets its bars again after every scan; the same text needs no redraw or layout.
        if type(content) is type(self.content) and content == self.content:
            return
        super().update(content, layout=layout)


class PlainLabel(Label):
    """A Label whose text is never markup."""

    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(content, **kwargs)


class PlainTable(DataTable[Any]):
    """A DataTable whose string cells are shown literally."""

    def add_row(self, *cells: Any, **kwargs: Any) -> Any:
        return super().add_row(*(plain(c) if isinstance(c, str) else c for c in cells), **kwargs)


class PlainOptionList(OptionList):
    """An OptionList whose prompts are shown literally."""

    def __init__(self, *content: Any, **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(*content, **kwargs)
