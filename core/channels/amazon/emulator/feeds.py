"""Feeds API 2021-06-30: documents (upload with matching Content-Type), create, get, list, cancel."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from core.channels.amazon.emulator.app import GRANT
from core.channels.amazon.emulator.clock import iso
from core.channels.amazon.emulator.documents import presigned_url
from core.channels.amazon.emulator.http import (
    ApiError,
    check_enum,
    json_body,
    json_response,
    q_int,
    q_list,
    q_time,
)
from core.channels.amazon.emulator.model import Document, Feed
from core.channels.amazon.emulator.paging import page
from core.channels.amazon.emulator.runtime import RUNTIME, Runtime
from core.channels.amazon.emulator.usage import LISTINGS_FEED_PLAN
from core.channels.amazon.emulator.vat_invoices import ROLE_OF_FEED, require_role

BASE = "/feeds/2021-06-30"
STATUSES = ("IN_QUEUE", "IN_PROGRESS", "DONE", "CANCELLED", "FATAL")


def _bad(details: str) -> ApiError:
    return ApiError(400, "InvalidInput", "Invalid input", details)


def feed_json(f: Feed) -> dict[str, Any]:
    """The Feed object."""
    out: dict[str, Any] = {
        "feedId": f.feed_id,
        "feedType": f.feed_type,
        "marketplaceIds": list(f.marketplace_ids),
        "createdTime": iso(f.created),
        "processingStatus": f.status,
    }
    if f.started is not None:
        out["processingStartTime"] = iso(f.started)
    if f.ended is not None and f.status in ("DONE", "FATAL", "CANCELLED"):
        out["processingEndTime"] = iso(f.ended)
    if f.result_document_id:
        out["resultFeedDocumentId"] = f.result_document_id
    return out


async def create_document(request: web.Request) -> web.Response:
    """``POST /feeds/2021-06-30/documents`` → 201 with an upload URL."""
    rt = request.app[RUNTIME]
    body = await json_body(request)
    content_type = body.get("contentType")
    if not isinstance(content_type, str) or not content_type.strip():
        raise _bad("contentType is required.")
    doc_id = f"amzn1.tortuga.4.eu.{rt.state.new_uuid()}.T{len(rt.state.documents) + 1:04d}"
    rt.state.documents[doc_id] = Document(
        doc_id, content_type, None, created=rt.clock.now(), kind="feed"
    )
    return json_response(
        {"feedDocumentId": doc_id, "url": presigned_url(request, doc_id, "PUT")}, 201
    )


async def create_feed(request: web.Request) -> web.Response:
    """``POST /feeds/2021-06-30/feeds`` → 202; JSON_LISTINGS_FEED has its own 5-per-5-minutes limit."""
    rt = request.app[RUNTIME]
    body = await json_body(request)
    seller = request[GRANT].seller_id or ""
    feed_type, mids, doc_id = (
        body.get("feedType"),
        body.get("marketplaceIds"),
        body.get("inputFeedDocumentId"),
    )
    if not isinstance(feed_type, str) or not feed_type:
        raise _bad("feedType is required.")
    account = rt.state.account(seller)
    if (
        not isinstance(mids, list)
        or not mids
        or account is None
        or any(m not in account.marketplace_ids for m in mids)
    ):
        raise _bad("marketplaceIds is required and must list marketplaces of this seller.")
    doc = rt.state.documents.get(str(doc_id))
    if doc is None or doc.kind != "feed":
        raise _bad("inputFeedDocumentId is not a feed document created by createFeedDocument.")
    options = body.get("feedOptions") or {}
    if not isinstance(options, dict):
        raise _bad("feedOptions must be an object of strings.")
    require_role(rt.state, seller, feed_type, ROLE_OF_FEED)
    if feed_type == "JSON_LISTINGS_FEED" and not rt.usage.allow(
        seller, "feeds.JSON_LISTINGS_FEED", LISTINGS_FEED_PLAN
    ):
        raise _QuotaExceeded()
    now = rt.clock.now()
    feed = Feed(
        rt.state.new_number(),
        seller,
        feed_type,
        list(mids),
        str(doc_id),
        {str(k): str(v) for k, v in options.items()},
        now,
    )
    rt.state.feeds[feed.feed_id] = feed
    rt.state.wake(now)
    return json_response({"feedId": feed.feed_id}, 202)


class _QuotaExceeded(ApiError):
    def __init__(self) -> None:
        super().__init__(
            429, "QuotaExceeded", "You exceeded your quota for the requested resource.", ""
        )


def _own(request: web.Request, rt: Runtime) -> Feed:
    feed = rt.state.feeds.get(request.match_info["feedId"])
    if feed is None or feed.seller_id != request[GRANT].seller_id:
        raise ApiError(
            404, "NotFound", "The feed was not found.", f"feedId {request.match_info['feedId']}"
        )
    return feed


async def get_feed(request: web.Request) -> web.Response:
    """``GET /feeds/2021-06-30/feeds/{feedId}``."""
    return json_response(feed_json(_own(request, request.app[RUNTIME])))


async def cancel_feed(request: web.Request) -> web.Response:
    """``DELETE /feeds/2021-06-30/feeds/{feedId}``: only while IN_QUEUE."""
    rt = request.app[RUNTIME]
    feed = _own(request, rt)
    if feed.status != "IN_QUEUE":
        raise _bad(f"The feed is {feed.status}; only feeds IN_QUEUE can be cancelled.")
    feed.status, feed.ended = "CANCELLED", rt.clock.now()
    return web.Response(status=200)


async def get_feeds(request: web.Request) -> web.Response:
    """``GET /feeds/2021-06-30/feeds``."""
    rt = request.app[RUNTIME]
    now = rt.clock.now()
    token = request.query.get("nextToken")
    if token is not None:
        if len(request.query) > 1:
            raise _bad("When nextToken is given it must be the only parameter.")
        entry = rt.state.next_tokens.get(token)
        if entry is None:
            raise _bad("Invalid nextToken.")
        filters: Any = entry[1]
    else:
        statuses = q_list(request, "processingStatuses")
        check_enum("processingStatuses", statuses, STATUSES)
        filters = (
            tuple(q_list(request, "feedTypes")),
            tuple(statuses),
            tuple(q_list(request, "marketplaceIds")),
            q_int(request, "pageSize", 10, 1, 100),
            q_time(request, "createdSince") or now - 90 * 86400,
            q_time(request, "createdUntil") or now,
        )
    types, statuses, mids, size, since, until = filters
    found = [
        f
        for f in sorted(rt.state.feeds.values(), key=lambda f: f.created, reverse=True)
        if f.seller_id == request[GRANT].seller_id
        and (not types or f.feed_type in types)
        and (not statuses or f.status in statuses)
        and (not mids or set(mids) & set(f.marketplace_ids))
        and since <= f.created <= until
    ]
    chunk, next_token = page(
        rt.state, "getFeeds", filters, found, size, token, now, 86400, "nextToken"
    )
    body: dict[str, Any] = {"feeds": [feed_json(f) for f in chunk]}
    if next_token:
        body["nextToken"] = next_token
    return json_response(body)


async def get_document(request: web.Request) -> web.Response:
    """``GET /feeds/2021-06-30/documents/{feedDocumentId}`` (result documents)."""
    rt = request.app[RUNTIME]
    doc_id = request.match_info["feedDocumentId"]
    owner = next(
        (
            f
            for f in rt.state.feeds.values()
            if doc_id in (f.result_document_id, f.input_document_id)
        ),
        None,
    )
    doc = rt.state.documents.get(doc_id)
    if doc is None or owner is None or owner.seller_id != request[GRANT].seller_id:
        raise ApiError(
            404, "NotFound", "The feed document was not found.", f"feedDocumentId {doc_id}"
        )
    body: dict[str, Any] = {"feedDocumentId": doc_id, "url": presigned_url(request, doc_id)}
    if doc.compression:
        body["compressionAlgorithm"] = doc.compression
    return json_response(body)


ROUTES = [
    ("POST", BASE + "/documents", create_document, "feeds.createFeedDocument"),
    ("GET", BASE + "/documents/{feedDocumentId}", get_document, "feeds.getFeedDocument"),
    ("POST", BASE + "/feeds", create_feed, "feeds.createFeed"),
    ("GET", BASE + "/feeds", get_feeds, "feeds.getFeeds"),
    ("GET", BASE + "/feeds/{feedId}", get_feed, "feeds.getFeed"),
    ("DELETE", BASE + "/feeds/{feedId}", cancel_feed, "feeds.cancelFeed"),
]
