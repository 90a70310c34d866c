"""What Amazon made of what we sent: listing answers, feed processing reports, VAT invoice uploads.

`createFeed` only says a feed was received. Whether its messages were taken is in the processing
report, which exists once `getFeed` says DONE (or FATAL). These functions ask once and return None
while Amazon is still at work, so a sync cycle never waits for a feed.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

import ijson

from core.channels.amazon.client import SpApiClient
from core.channels.amazon.client.documents import FEEDS, FINAL
from core.channels.amazon.client.report_files import document_text

TEXT_KEPT = 64 * 1024  # characters of a text processing report kept (its summary is at the top)

Issue = tuple[str, str]  # Amazon's code and message


def _issue(raw: dict[str, Any]) -> Issue:
    return str(raw.get("code") or ""), str(raw.get("message") or "")[:1000]


def listing_refusal(answer: dict[str, Any]) -> Issue | None:
    """The ERROR issue of a patch/put answer (`ListingsItemSubmissionResponse`), None if taken."""
    errors = [
        i
        for i in answer.get("issues") or []
        if isinstance(i, dict) and i.get("severity") == "ERROR"
    ]
    if errors:
        return _issue(errors[0])
    if answer.get("status") == "INVALID":
        return "INVALID", "Amazon did not accept the change and named no reason."
    return None


@dataclass
class FeedOutcome:
    """A finished feed: DONE, FATAL or CANCELLED, with the SKUs Amazon refused."""

    status: str
    rejected: dict[str, Issue] = field(default_factory=dict)
    feed_issue: Issue | None = None  # about the whole feed (FATAL): every message refused
    report: Any = None  # a text processing report's start; {} for a JSON report (its issues read)


async def feed_outcome(
    client: SpApiClient, feed_id: str, skus: list[str] | None = None
) -> FeedOutcome | None:
    """Ask once how feed `feed_id` ended; None while Amazon is still processing it.

    `skus` are the feed's SKUs in message order (messageId n is skus[n-1]), for issues that name
    only the message.
    """
    feed = (await client.call("getFeed", "GET", f"{FEEDS}/feeds/{feed_id}")).body or {}
    status = str(feed.get("processingStatus") or "")
    if status not in FINAL:
        return None
    outcome = FeedOutcome(status)
    doc_id = feed.get("resultFeedDocumentId")
    if doc_id:
        info = (
            await client.call("getFeedDocument", "GET", f"{FEEDS}/documents/{doc_id}")
        ).body or {}
        # streamed to disk and parsed issue by issue: a report's size never becomes memory
        async with document_text(client, str(info["url"])) as text:
            _read_report(text, outcome, skus)
    if status == "FATAL" and outcome.feed_issue is None:
        outcome.feed_issue = ("FATAL", "Amazon could not process the feed and named no reason.")
    return outcome


def _read_report(text: io.TextIOWrapper, outcome: FeedOutcome, skus: list[str] | None) -> None:
    """The JSON processing report's ERROR issues into `outcome`, read incrementally; any other
    report (the text of UPLOAD_VAT_INVOICE) is kept as its first `TEXT_KEPT` characters."""
    head = text.read(1024)
    if not head.lstrip().startswith("{"):
        outcome.report = head + text.read(TEXT_KEPT - len(head))
        return
    text.seek(0)
    outcome.report = {}
    try:
        for raw_issue in ijson.items(text.buffer, "issues.item", use_float=True):
            _take_issue(raw_issue, outcome, skus)
    except ijson.JSONError:  # not JSON after all: kept as text, as any other report
        outcome.rejected.clear()
        outcome.feed_issue = None
        text.seek(0)
        outcome.report = text.read(TEXT_KEPT)


def _take_issue(raw_issue: Any, outcome: FeedOutcome, skus: list[str] | None) -> None:
    if not isinstance(raw_issue, dict) or raw_issue.get("severity") != "ERROR":
        return
    sku = raw_issue.get("sku")
    mid = raw_issue.get("messageId")
    if not sku and isinstance(mid, int) and skus and 1 <= mid <= len(skus):
        sku = skus[mid - 1]
    if sku:
        outcome.rejected.setdefault(str(sku), _issue(raw_issue))
    elif outcome.feed_issue is None:
        outcome.feed_issue = _issue(raw_issue)


_COUNT = re.compile(r"number of records (processed|successful)\s+(\d+)", re.IGNORECASE)


def invoice_refusal(outcome: FeedOutcome) -> Issue | None:
    """Why Amazon did not accept a VAT invoice upload (None: accepted)."""
    if outcome.status == "CANCELLED":
        return "CANCELLED", "Amazon cancelled the upload before processing it."
    if outcome.feed_issue is not None:
        return outcome.feed_issue
    if outcome.rejected:
        return next(iter(outcome.rejected.values()))
    if isinstance(outcome.report, str):
        counts = {k.lower(): int(v) for k, v in _COUNT.findall(outcome.report)}
        if counts.get("processed", 0) > counts.get("successful", counts.get("processed", 0)):
            first = outcome.report.strip().splitlines()
            return "NOT_ACCEPTED", " ".join(line.strip() for line in first)[:1000]
    return None
