"""Reports and feeds moving IN_QUEUE → IN_PROGRESS → DONE (or FATAL) on the emulator clock."""

from __future__ import annotations

import gzip

from core.channels.amazon.emulator.model import Document
from core.channels.amazon.emulator.state import (
    FEED_STARTS_AFTER,
    FEED_TAKES,
    REPORT_STARTS_AFTER,
    REPORT_TAKES,
    SellerState,
)

GZIP_ABOVE = 1024  # bytes; larger report documents are stored gzip-compressed, as Amazon does
INF = float("inf")


def store_document(
    state: SellerState, content: bytes, content_type: str, now: float, *, compress: bool
) -> str:
    """Put a document into the stand-in S3; returns its id."""
    doc_id = f"amzn1.spdoc.1.4.eu.{state.new_uuid()}.T{len(state.documents) + 1:04d}"
    if compress:
        state.documents[doc_id] = Document(
            doc_id, content_type, gzip.compress(content, mtime=0), "GZIP", created=now
        )
    else:
        state.documents[doc_id] = Document(doc_id, content_type, content, None, created=now)
    return doc_id


def advance_reports(state: SellerState, now: float) -> float:
    """Move reports on; returns the next time one changes."""
    from core.channels.amazon.emulator.report_tsv import GENERATORS

    upcoming = INF
    for report in state.reports.values():
        if report.status == "IN_QUEUE":
            start = report.created + REPORT_STARTS_AFTER
            if start > now:
                upcoming = min(upcoming, start)
                continue
            report.status, report.started = "IN_PROGRESS", start
        if report.status == "IN_PROGRESS":
            assert report.started is not None
            end = report.started + REPORT_TAKES
            if end > now:
                upcoming = min(upcoming, end)
                continue
            report.ended = end
            generator = GENERATORS.get(report.report_type)
            if generator is None:
                report.status = "FATAL"
                continue
            content = generator(state, report)
            report.document_id = store_document(
                state,
                content,
                "text/tab-separated-values; charset=UTF-8",
                end,
                compress=len(content) > GZIP_ABOVE,
            )
            report.status = "DONE"
    return upcoming


def advance_feeds(state: SellerState, now: float) -> float:
    """Move feeds on and process them when they finish; returns the next time one changes."""
    from core.channels.amazon.emulator.feed_processing import process_feed

    upcoming = INF
    for feed in state.feeds.values():
        if feed.status == "IN_QUEUE":
            start = feed.created + FEED_STARTS_AFTER
            if start > now:
                upcoming = min(upcoming, start)
                continue
            feed.status, feed.started = "IN_PROGRESS", start
        if feed.status == "IN_PROGRESS":
            assert feed.started is not None
            end = feed.started + FEED_TAKES
            if end > now:
                upcoming = min(upcoming, end)
                continue
            feed.ended = end
            process_feed(state, feed, end)
    return upcoming
