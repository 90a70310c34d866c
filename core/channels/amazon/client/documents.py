"""Reports and feeds (2021-06-30): create, poll, and move documents to and from pre-signed URLs."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from core.channels.amazon.client.errors import ServerError, SpApiError
from core.channels.amazon.client.http import SpApiClient

REPORTS = "/reports/2021-06-30"
FEEDS = "/feeds/2021-06-30"
FINAL = {"DONE", "CANCELLED", "FATAL"}


async def wait_until_final(
    client: SpApiClient,
    operation: str,
    path: str,
    *,
    poll_s: float = 15.0,
    timeout_s: float = 3600.0,
) -> dict[str, Any]:
    """Poll a report or feed until DONE, CANCELLED or FATAL."""
    waited = 0.0
    while True:
        resp = await client.call(operation, "GET", path)
        body: dict[str, Any] = resp.body or {}
        if body.get("processingStatus") in FINAL:
            return body
        if waited >= timeout_s:
            raise SpApiError("still processing after the time allowed", operation=operation)
        delay = poll_s / client.time_scale
        await asyncio.sleep(delay)
        waited += poll_s


async def create_report(
    client: SpApiClient,
    report_type: str,
    marketplace_ids: list[str],
    *,
    options: dict[str, str] | None = None,
    start: str | None = None,
    end: str | None = None,
) -> str:
    """Ask Amazon for a report; returns its id (the report is made asynchronously)."""
    spec: dict[str, Any] = {"reportType": report_type, "marketplaceIds": marketplace_ids}
    if options:
        spec["reportOptions"] = options
    if start:
        spec["dataStartTime"] = start
    if end:
        spec["dataEndTime"] = end
    created = await client.call("createReport", "POST", f"{REPORTS}/reports", json=spec)
    return str((created.body or {})["reportId"])


async def get_report(client: SpApiClient, report_id: str) -> dict[str, Any]:
    """The Report object: `processingStatus`, and `reportDocumentId` once DONE."""
    resp = await client.call("getReport", "GET", f"{REPORTS}/reports/{report_id}")
    return dict(resp.body or {})


async def run_report(
    client: SpApiClient,
    report_type: str,
    marketplace_ids: list[str],
    *,
    options: dict[str, str] | None = None,
    start: str | None = None,
    end: str | None = None,
    poll_s: float = 15.0,
) -> str | None:
    """Request a report and wait for it; returns its document id (for `report_text`), None when
    Amazon had no data."""
    report_id = await create_report(
        client, report_type, marketplace_ids, options=options, start=start, end=end
    )
    report = await wait_until_final(
        client, "getReport", f"{REPORTS}/reports/{report_id}", poll_s=poll_s
    )
    if report["processingStatus"] == "CANCELLED":
        return None
    if report["processingStatus"] != "DONE":
        raise SpApiError(
            f"report {report_id} ended {report['processingStatus']}", operation="getReport"
        )
    return str(report["reportDocumentId"])


async def submit_feed(
    client: SpApiClient,
    feed_type: str,
    marketplace_ids: list[str],
    content: bytes,
    content_type: str,
    options: dict[str, str] | None = None,
) -> str:
    """Upload a feed document and create the feed; returns the feed id."""
    created = await client.call(
        "createFeedDocument", "POST", f"{FEEDS}/documents", json={"contentType": content_type}
    )
    info = created.body or {}
    try:
        async with client.session.put(
            info["url"],
            data=content,
            headers={"Content-Type": content_type},
            timeout=client.timeout,
        ) as resp:
            if resp.status >= 400:
                raise ServerError(
                    f"feed upload failed with HTTP {resp.status}",
                    status=resp.status,
                    operation="uploadFeedDocument",
                )
    except aiohttp.ClientError as exc:
        raise ServerError(
            f"feed upload failed ({type(exc).__name__})", operation="uploadFeedDocument"
        ) from None
    spec: dict[str, Any] = {
        "feedType": feed_type,
        "marketplaceIds": marketplace_ids,
        "inputFeedDocumentId": info["feedDocumentId"],
    }
    if options:
        spec["feedOptions"] = options
    feed = await client.call("createFeed", "POST", f"{FEEDS}/feeds", json=spec)
    return str((feed.body or {})["feedId"])
