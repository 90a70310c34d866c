"""What Amazon made of what we sent: listing answers, feed processing reports, VAT invoice uploads.

`createFeed` only says a feed was received. Whether its messages were taken is in the processing
report, which exists once `getFeed` says DONE (or FATAL). These functions ask once and return None
while Amazon is still at work, so a sync cycle never waits for a feed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from core.channels.amazon.client import SpApiClient
from core.channels.amazon.client.documents import FEEDS, FINAL, decode_document, download

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
    report: Any = None  # the processing report (JSON or text), when there is one


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
        raw, content_type = await download(client, str(info["url"]))
        text = decode_document(raw, content_type, str(info.get("compressionAlgorithm") or ""))
        try:
            outcome.report = json.loads(text)
        except ValueError:
            outcome.report = text
    report = outcome.report
    issues = report.get("issues") if isinstance(report, dict) else None
    for raw_issue in issues if isinstance(issues, list) else []:
        if not isinstance(raw_issue, dict) or raw_issue.get("severity") != "ERROR":
            continue
        sku = raw_issue.get("sku")
        mid = raw_issue.get("messageId")
        if not sku and isinstance(mid, int) and skus and 1 <= mid <= len(skus):
            sku = skus[mid - 1]
        if sku:
            outcome.rejected.setdefault(str(sku), _issue(raw_issue))
        elif outcome.feed_issue is None:
            outcome.feed_issue = _issue(raw_issue)
    if status == "FATAL" and outcome.feed_issue is None:
        outcome.feed_issue = ("FATAL", "Amazon could not process the feed and named no reason.")
    return outcome


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
