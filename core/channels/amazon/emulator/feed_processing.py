"""What a finished feed does: JSON_LISTINGS_FEED, UPLOAD_VAT_INVOICE, POST_ORDER_FULFILLMENT_DATA."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from typing import Any

from core.channels.amazon.emulator.listing_changes import apply_change, patch_problems
from core.channels.amazon.emulator.model import Feed, InvoiceUpload, Package, PendingListingChange
from core.channels.amazon.emulator.processing import store_document
from core.channels.amazon.emulator.rejections import listing_issue
from core.channels.amazon.emulator.state import SellerState

OPERATIONS = ("UPDATE", "PARTIAL_UPDATE", "PATCH", "DELETE")
INVOICE_KEYS = (
    "OrderId",
    "ShippingId",
    "InvoiceNumber",
    "DocumentType",
    "TotalAmount",
    "TotalVATAmount",
    "TransactionId",
)


def _fatal(state: SellerState, feed: Feed, now: float, message: str) -> None:
    feed.status = "FATAL"
    body = {
        "header": {"sellerId": feed.seller_id, "version": "2.0", "feedId": feed.feed_id},
        "issues": [{"code": "100001", "severity": "ERROR", "message": message}],
        "summary": {
            "errors": 1,
            "warnings": 0,
            "messagesProcessed": 0,
            "messagesAccepted": 0,
            "messagesInvalid": 0,
        },
    }
    feed.result_document_id = store_document(
        state, json.dumps(body).encode(), "application/json; charset=UTF-8", now, compress=False
    )


def _message_problems(message: Any) -> list[str]:
    if not isinstance(message, dict):
        return ["The message is not a JSON object."]
    op = message.get("operationType")
    if not isinstance(message.get("sku"), str) or not message["sku"]:
        return ["'sku' is required but not supplied."]
    if op not in OPERATIONS:
        return [f"'operationType' must be one of {', '.join(OPERATIONS)}."]
    problems = []
    if op != "DELETE" and not message.get("productType"):
        problems.append("'productType' is required but not supplied.")
    if op in ("UPDATE", "PARTIAL_UPDATE") and not isinstance(message.get("attributes"), dict):
        problems.append("'attributes' is required but not supplied.")
    if op == "PATCH":
        problems.extend(patch_problems(message.get("patches")))
    return problems


def listings_feed(state: SellerState, feed: Feed, content: bytes, now: float) -> None:
    """Apply a JSON_LISTINGS_FEED and write its processing report."""
    try:
        doc = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        _fatal(state, feed, now, "The feed is not valid JSON.")
        return
    header = doc.get("header") if isinstance(doc, dict) else None
    messages = doc.get("messages") if isinstance(doc, dict) else None
    if (
        not isinstance(header, dict)
        or header.get("version") != "2.0"
        or not isinstance(messages, list)
        or not 1 <= len(messages) <= 25000
    ):
        _fatal(
            state,
            feed,
            now,
            "The feed does not follow the JSON listings feed schema (header.version 2.0, 1 to 25000 messages).",
        )
        return
    if header.get("sellerId") != feed.seller_id:
        _fatal(
            state,
            feed,
            now,
            "header.sellerId does not match the selling partner that submitted the feed.",
        )
        return
    issues: list[dict[str, Any]] = []
    accepted: list[str] = []
    seen: set[int] = set()
    for message in messages:
        mid = message.get("messageId") if isinstance(message, dict) else None
        problems = _message_problems(message)
        if not isinstance(mid, int) or mid < 1 or mid in seen:
            problems.insert(0, "'messageId' must be a unique positive integer.")
        for problem in problems:
            issue: dict[str, Any] = {
                "code": "90220" if "required" in problem else "4000001",
                "severity": "ERROR",
                "message": problem,
            }
            if isinstance(mid, int) and mid >= 1:
                issue["messageId"] = mid
            if isinstance(message, dict) and isinstance(message.get("sku"), str) and message["sku"]:
                issue["sku"] = message["sku"]
            issues.append(issue)
        if problems:
            continue
        assert isinstance(mid, int)
        seen.add(mid)
        op = message["operationType"]
        if op == "DELETE":
            action, body = "delete", {}
        elif op == "PATCH":
            action, body = (
                "patch",
                {"productType": message["productType"], "patches": message["patches"]},
            )
        elif op == "PARTIAL_UPDATE":
            patches = [
                {
                    "op": "replace",
                    "path": f"/attributes/{k}",
                    "value": v if isinstance(v, list) else [v],
                }
                for k, v in message["attributes"].items()
            ]
            action, body = "patch", {"productType": message["productType"], "patches": patches}
        else:
            action, body = (
                "put",
                {"productType": message["productType"], "attributes": message["attributes"]},
            )
        rejected = listing_issue(state, feed.seller_id, message["sku"]) if op != "DELETE" else None
        if rejected is not None:
            issues.append(
                {
                    "messageId": mid,
                    "sku": message["sku"],
                    "code": rejected["code"],
                    "severity": "ERROR",
                    "message": rejected["message"],
                }
            )
            continue
        if action == "patch" and not state.listings_of(feed.seller_id, message["sku"]):
            issues.append(
                {
                    "messageId": mid,
                    "sku": message["sku"],
                    "code": "4000001",
                    "severity": "ERROR",
                    "message": f"SKU '{message['sku']}' does not exist.",
                }
            )
            continue
        apply_change(
            state,
            PendingListingChange(
                now,
                feed.seller_id,
                message["sku"],
                feed.marketplace_ids,
                action,
                body,
                f"{feed.feed_id}-{mid}",
            ),
        )
        accepted.append(message["sku"])
    invalid = len({i.get("messageId") for i in issues})
    report: dict[str, Any] = {
        "header": {"sellerId": feed.seller_id, "version": "2.0", "feedId": feed.feed_id},
        "issues": issues,
        "summary": {
            "errors": len(issues),
            "warnings": 0,
            "messagesProcessed": len(messages),
            "messagesAccepted": len(accepted),
            "messagesInvalid": invalid,
        },
    }
    if isinstance(header.get("report"), dict):
        from core.channels.amazon.emulator.listings import item_json

        included = set(header["report"].get("includedData") or ["summaries"])
        report["header"]["report"] = header["report"]
        report["items"] = [
            item_json(found, included)
            for sku in dict.fromkeys(accepted)
            if (
                found := [
                    x
                    for x in state.listings_of(feed.seller_id, sku)
                    if x.marketplace_id in feed.marketplace_ids
                ]
            )
        ]
        report["summary"]["itemSummary"] = {
            "items": len(report["items"]),
            "errors": 0,
            "warnings": 0,
        }
    feed.result_document_id = store_document(
        state,
        json.dumps(report, ensure_ascii=False).encode(),
        "application/json; charset=UTF-8",
        now,
        compress=False,
    )
    feed.status = "DONE"


def vat_invoice(state: SellerState, feed: Feed, content: bytes, now: float) -> None:
    """Record an UPLOAD_VAT_INVOICE with its metadata (keys matched case-insensitively)."""
    canonical = {k.lower(): k for k in INVOICE_KEYS}
    metadata = {
        canonical.get(k.split(":", 1)[1].lower(), k.split(":", 1)[1]): v
        for k, v in feed.options.items()
        if k.lower().startswith("metadata:")
    }
    order_id = metadata.get("OrderId")
    if not order_id and not metadata.get("ShippingId"):
        _fatal(state, feed, now, "metadata:OrderId or metadata:ShippingId is required.")
        return
    if order_id and state.order_for(feed.seller_id, order_id) is None:
        _fatal(state, feed, now, f"Order {order_id} was not found for this seller.")
        return
    state.uploads.append(
        InvoiceUpload(
            feed.feed_id,
            feed.seller_id,
            list(feed.marketplace_ids),
            metadata,
            len(content),
            content.startswith(b"%PDF"),
            hashlib.sha256(content).hexdigest(),
        )
    )
    feed.result_document_id = store_document(
        state,
        b"Feed Processing Summary:\n\tNumber of records processed\t\t1\n\tNumber of records successful\t\t1\n",
        "text/plain; charset=UTF-8",
        now,
        compress=False,
    )
    feed.status = "DONE"


def order_fulfillment(state: SellerState, feed: Feed, content: bytes, now: float) -> None:
    """Apply a POST_ORDER_FULFILLMENT_DATA XML feed like confirmShipment calls."""
    from core.channels.amazon.emulator.shipping import apply_package

    try:
        root = ET.fromstring(content)
    except ET.ParseError:
        _fatal(state, feed, now, "The feed is not well-formed XML.")
        return
    done = failed = 0
    for n, message in enumerate(root.iter("OrderFulfillment"), start=1):
        order = state.order_for(feed.seller_id, message.findtext("AmazonOrderID", ""))
        items = [
            (i.findtext("AmazonOrderItemCode", ""), int(i.findtext("Quantity", "0") or 0))
            for i in message.iter("Item")
        ]
        if order is not None and not items:
            items = [
                (i.item_id, i.quantity - i.quantity_shipped)
                for i in order.items
                if i.quantity > i.quantity_shipped
            ]
        data = message.find("FulfillmentData")
        package = Package(
            str(len(order.packages) + 1) if order else str(n),
            (data.findtext("CarrierCode") or data.findtext("CarrierName") or "Other")
            if data is not None
            else "Other",
            data.findtext("CarrierName") if data is not None else None,
            data.findtext("ShippingMethod") if data is not None else None,
            (data.findtext("ShipperTrackingNumber") or "") if data is not None else "",
            message.findtext("FulfillmentDate", ""),
            items,
            now,
        )
        ok = order is not None and all(i in {x.item_id for x in order.items} for i, _ in items)
        if ok and order is not None and apply_package(state, order, package, "feed", now):
            done += 1
        else:
            failed += 1
    state.fulfillment_feeds.append(
        {"feed_id": feed.feed_id, "seller_id": feed.seller_id, "successful": done, "errors": failed}
    )
    report = (
        f'<?xml version="1.0" encoding="UTF-8"?><AmazonEnvelope><MessageType>ProcessingReport</MessageType><Message><MessageID>1</MessageID>'
        f"<ProcessingReport><DocumentTransactionID>{feed.feed_id}</DocumentTransactionID><StatusCode>Complete</StatusCode>"
        f"<ProcessingSummary><MessagesProcessed>{done + failed}</MessagesProcessed><MessagesSuccessful>{done}</MessagesSuccessful>"
        f"<MessagesWithError>{failed}</MessagesWithError><MessagesWithWarning>0</MessagesWithWarning></ProcessingSummary>"
        "</ProcessingReport></Message></AmazonEnvelope>"
    )
    feed.result_document_id = store_document(
        state, report.encode(), "text/xml; charset=UTF-8", now, compress=False
    )
    feed.status = "DONE"


def process_feed(state: SellerState, feed: Feed, now: float) -> None:
    """Run a finished feed by type; unknown and retired types end FATAL."""
    doc = state.documents.get(feed.input_document_id)
    content = doc.content if doc is not None else None
    if content is None:
        _fatal(state, feed, now, "The input feed document was never uploaded.")
        return
    handler = {
        "JSON_LISTINGS_FEED": listings_feed,
        "UPLOAD_VAT_INVOICE": vat_invoice,
        "POST_ORDER_FULFILLMENT_DATA": order_fulfillment,
    }.get(feed.feed_type)
    if handler is None:
        _fatal(state, feed, now, f"Feed type {feed.feed_type} is not supported.")
        return
    handler(state, feed, content, now)
