"""The time a document's PDF says it was made: the document's own, never the wall clock.

fpdf2 (XMP ModifyDate) and factur-x (info dictionary, XMP, attachment ModDate) stamp the file
with `datetime.now()` and offer no parameter for it. A stored original must render again to the
same bytes (the reproducibility test, the sealing check), so while `document_time` is active the
two libraries' clock reads return the document's issue time. The time lives in a ContextVar: each
thread and each `asyncio.to_thread` call has its own, so renders running at the same time never
see each other's time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, tzinfo
from typing import Any

import facturx.facturx as _facturx
import fpdf.output as _fpdf_output

_document_time: ContextVar[datetime | None] = ContextVar("document_time", default=None)
_real_pdf_timestamp = _facturx._get_pdf_timestamp
_real_metadata_timestamp = _facturx._get_metadata_timestamp


def _now(tz: tzinfo | None = None) -> datetime:
    at = _document_time.get()
    if at is None:
        return datetime.now(tz)
    return at.astimezone(tz) if tz is not None else at.astimezone().replace(tzinfo=None)


class _ClockMeta(type):
    def __instancecheck__(cls, obj: object) -> bool:  # real datetimes stay datetimes for fpdf2
        return isinstance(obj, datetime)


class _LibraryDatetime(datetime, metaclass=_ClockMeta):
    """`datetime` as fpdf2's output module sees it: `now()` is the document's time."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> Any:
        return _now(tz)


def _pdf_timestamp(date: datetime | None = None) -> str:
    stamp: str = _real_pdf_timestamp(date if date is not None else _now(UTC))
    return stamp


def _metadata_timestamp() -> str:
    at = _document_time.get()
    if at is None:
        stamp: str = _real_metadata_timestamp()
        return stamp
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


_fpdf_output.datetime = _LibraryDatetime  # type: ignore[attr-defined]
_facturx._get_pdf_timestamp = _pdf_timestamp
_facturx._get_metadata_timestamp = _metadata_timestamp


@contextmanager
def document_time(at: datetime) -> Iterator[None]:
    """Render inside this block and the PDF carries `at` wherever a library would put 'now'."""
    token = _document_time.set(at if at.tzinfo else at.replace(tzinfo=UTC))
    try:
        yield
    finally:
        _document_time.reset(token)
