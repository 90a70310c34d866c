"""`AmazonConnector`: one seller account behind Packdesk's `ChannelConnector` port."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from core.channels.amazon.client import (
    InvalidInputError,
    NotFoundError,
    SpApiClient,
    SpApiError,
    catalog,
    documents,
    orders,
)
from core.channels.amazon.client.errors import AuthorizationError, list_in
from core.channels.amazon.client.limits import TokenBucket
from core.channels.amazon.client.report_files import report_text
from core.channels.amazon.fba_shipments import (
    MAX_WINDOW,
    REPORT_TYPE,
    ShippedItem,
    shipped_items_from_report,
)
from core.channels.amazon.feed_results import FeedOutcome, Issue, feed_outcome, listing_refusal
from core.channels.amazon.normalize import (
    order_from_2026,
    order_from_v0,
    parse_time,
    should_import,
)
from core.channels.amazon.roles import TAX_INVOICING, MissingRole, token_expired
from core.domain.accounts import Account
from core.domain.orders import Channel, Order
from core.ports import FetchResult, ShipmentConfirmation, StockAnswer

log = logging.getLogger(__name__)

ALREADY_CONFIRMED = ("already", "matching package", "duplicate")
LISTINGS_FEEDS_PER_5_MIN = 5


@dataclass
class AmazonOptions:
    """Knobs of the Amazon connector (defaults suit a real seller account)."""

    orders_api: str = "2026-01-01"  # or "v0" until Amazon retires it (2027-03-27)
    initial_lookback: timedelta = timedelta(days=30)
    overlap: timedelta = timedelta(minutes=5)
    patch_limit: int = 10  # up to this many SKUs: patchListingsItem each; more: one feed
    feed_limit: int = 25_000  # messages per JSON_LISTINGS_FEED
    product_type: str = "PRODUCT"
    items_concurrency: int = 8
    page_size: int = 100


@dataclass
class OrderPage:
    """One page of orders, normalized, plus the high-water mark reached so far."""

    orders: list[Order]
    checkpoint: str
    seen: int
    in_order: bool = False  # so far every page came after the one before (by last update)


@dataclass
class AmazonConnector:
    """Reads orders, confirms shipments, pushes stock and uploads invoices for one seller."""

    account: Account
    client: SpApiClient
    options: AmazonOptions = field(default_factory=AmazonOptions)
    owns_session: bool = False
    # JSON_LISTINGS_FEED: 5 feeds per 5 minutes per seller (Amazon's feed-type limit, on top of
    # createFeed's usage plan), so a sixth waits here instead of being refused.
    feed_gate: TokenBucket | None = None

    def __post_init__(self) -> None:
        if self.feed_gate is None:
            rate, burst = LISTINGS_FEEDS_PER_5_MIN / 300.0, LISTINGS_FEEDS_PER_5_MIN
            self.feed_gate = TokenBucket(rate, burst, time_scale=self.client.time_scale)

    @property
    def account_id(self) -> int:
        return self.account.id or 0

    def _after(self, since: str | None) -> datetime:
        start = parse_time(since) if since else None
        if start is None:
            return self.client.server_now() - self.options.initial_lookback
        return start - self.options.overlap

    async def order_pages(self, since: str | None) -> AsyncIterator[OrderPage]:
        """Pages of orders changed since the checkpoint `since` (minus the overlap window)."""
        after = self._after(since)
        mark = parse_time(since) or after
        if self.options.orders_api == "v0":
            pages = self._pages_v0(after)
        else:
            pages = self._pages_2026(after)
        in_order, latest = True, None
        async for raw_times, page in pages:
            times = [t for t in raw_times if t]
            # Progress may be saved per page only while pages come oldest first: then nothing
            # older than the mark is still to come.
            if times and latest is not None and min(times) < latest:
                in_order = False
            if times:
                latest = max(times) if latest is None else max(latest, max(times))
            for t in times:
                if t > mark:
                    mark = t
            yield OrderPage(page, _iso(mark), len(raw_times), in_order)

    async def _pages_2026(
        self, after: datetime
    ) -> AsyncIterator[tuple[list[datetime | None], list[Order]]]:
        async for body in orders.search_orders(
            self.client, self.account.marketplace_ids, after, page_size=self.options.page_size
        ):
            found = list_in(body, "orders", "searchOrders")
            result = []
            for raw in found:
                order = order_from_2026(raw, self.account_id)
                if should_import(order.channel, order.channel_status):
                    result.append(order)
            yield [parse_time(o.get("lastUpdatedTime")) for o in found], result

    async def _pages_v0(
        self, after: datetime
    ) -> AsyncIterator[tuple[list[datetime | None], list[Order]]]:
        token = await self._rdt()
        gate = asyncio.Semaphore(self.options.items_concurrency)

        async def full(raw: dict[str, Any]) -> Order:
            async with gate:
                # the RDT also covers the items: their BuyerInfo holds the gift message
                items = await orders.get_order_items_v0(
                    self.client, str(raw["AmazonOrderId"]), token=token
                )
            return order_from_v0(raw, items, self.account_id)

        async for payload in orders.get_orders_v0(
            self.client,
            self.account.marketplace_ids,
            after,
            token=token,
            page_size=self.options.page_size,
        ):
            found = list_in(payload, "Orders", "getOrders")
            wanted = [
                raw
                for raw in found
                if should_import(
                    Channel.AFN if raw.get("FulfillmentChannel") == "AFN" else Channel.MFN,
                    str(raw.get("OrderStatus", "")),
                )
            ]
            result = list(await asyncio.gather(*(full(raw) for raw in wanted)))
            yield [parse_time(o.get("LastUpdateDate")) for o in found], result

    async def _rdt(self) -> str | None:
        """A restricted data token for buyer and address fields; without the role, none."""
        try:
            return (
                await orders.restricted_data_token(
                    self.client,
                    orders.V0,
                    ["buyerInfo", "shippingAddress"],
                    (orders.ITEMS_V0, ["buyerInfo"]),
                )
                or None
            )
        except (InvalidInputError, SpApiError) as exc:
            log.info(
                "account %s: no restricted data token (%s); orders come without buyer data",
                self.account.name,
                exc.code,
            )
            return None

    async def fetch_orders(self, since: str | None) -> FetchResult:
        """All orders changed since `since`, and the checkpoint to continue from."""
        before_requests, before_429 = self.client.stats.requests, self.client.stats.throttled
        found: dict[str, Order] = {}
        checkpoint = since or _iso(self._after(None))
        async for page in self.order_pages(since):
            for order in page.orders:
                found[order.external_id] = order
            checkpoint = page.checkpoint
        return FetchResult(
            orders=list(found.values()),
            checkpoint=checkpoint,
            requests=self.client.stats.requests - before_requests,
            throttled=self.client.stats.throttled - before_429,
        )

    async def request_fba_shipments(self, start: datetime, end: datetime) -> str:
        """Ask Amazon for the FBA shipments of a window (at most a month); returns the report id."""
        start = max(start, end - MAX_WINDOW)
        return await documents.create_report(
            self.client,
            REPORT_TYPE,
            list(self.account.marketplace_ids),
            start=_iso(start),
            end=_iso(end),
        )

    async def fba_shipments(self, report_id: str) -> list[ShippedItem] | None:
        """The shipped items of a requested report; None while Amazon is still making it."""
        report = await documents.get_report(self.client, report_id)
        status = report.get("processingStatus")
        if status == "CANCELLED":  # Amazon's way of saying "no data for this window"
            return []
        if status == "FATAL":
            raise SpApiError(
                f"Amazon could not make the FBA shipments report {report_id}",
                operation="getReport",
            )
        if status != "DONE":
            return None
        # streamed to disk and read row by row: a report's size never becomes memory
        async with report_text(self.client, str(report["reportDocumentId"])) as text:
            return shipped_items_from_report(text, list(self.account.marketplace_ids))

    async def get_order(self, order_external_id: str) -> dict[str, Any]:
        """The raw 2026-01-01 order with its packages (to see what Amazon already knows)."""
        return await orders.get_order(self.client, order_external_id)

    async def confirm_shipment(self, confirmation: ShipmentConfirmation) -> None:
        """Tell Amazon one package has left; a repeat of a confirmed package counts as done."""
        c = confirmation
        package: dict[str, Any] = {
            "packageReferenceId": str(c.package_reference),
            "carrierCode": c.carrier_code or "Other",
            "trackingNumber": c.tracking_number,
            "shipDate": _iso(c.ship_date),
            "orderItems": [{"orderItemId": item, "quantity": qty} for item, qty in c.items],
        }
        if c.carrier_name or package["carrierCode"] == "Other":
            package["carrierName"] = c.carrier_name or c.carrier_code or "Other"
        if c.shipping_method:
            package["shippingMethod"] = c.shipping_method
        try:
            await orders.confirm_shipment(
                self.client, c.order_external_id, c.marketplace_id, package
            )
        except InvalidInputError as exc:
            text = f"{exc.message} {exc.details}".lower()
            if any(word in text for word in ALREADY_CONFIRMED):
                log.info(
                    "package %s of an order was already confirmed at Amazon (request id %s)",
                    c.package_reference,
                    exc.request_id,
                )
                return
            raise

    async def push_stock(
        self,
        quantities: dict[str, int],
        marketplace_id: str,
        product_types: dict[str, str] | None = None,
    ) -> StockAnswer:
        """Set MFN quantities: a few SKUs one by one, many in JSON_LISTINGS_FEEDs.

        A patch is answered at once (accepted, or refused with Amazon's issue); a feed's SKUs
        are `sent` with the feed id, whose processing report `stock_feed_outcome` reads later.
        """
        answer = StockAnswer()
        if not quantities:
            return answer
        types = product_types or {}
        if len(quantities) <= self.options.patch_limit:
            refusals = await asyncio.gather(
                *(
                    self._patch_stock(sku, marketplace_id, types.get(sku, ""), qty)
                    for sku, qty in quantities.items()
                )
            )
            for sku, refusal in zip(quantities, refusals, strict=True):
                if refusal is None:
                    answer.accepted.add(sku)
                else:
                    answer.rejected[sku] = refusal
            return answer
        items = sorted(quantities.items())
        for start in range(0, len(items), self.options.feed_limit):
            chunk = items[start : start + self.options.feed_limit]
            feed = {
                "header": {
                    "sellerId": self.account.seller_id,
                    "version": "2.0",
                    "issueLocale": "en_US",
                },
                "messages": [
                    {
                        "messageId": n,
                        "sku": sku,
                        "operationType": "PATCH",
                        "productType": types.get(sku) or self.options.product_type,
                        "patches": [_availability_patch(qty)],
                    }
                    for n, (sku, qty) in enumerate(chunk, start=1)
                ],
            }
            assert self.feed_gate is not None
            await self.feed_gate.acquire()
            feed_id = await documents.submit_feed(
                self.client,
                "JSON_LISTINGS_FEED",
                [marketplace_id],
                json.dumps(feed).encode(),
                "application/json; charset=UTF-8",
            )
            answer.sent.update((sku, feed_id) for sku, _ in chunk)
            log.info(
                "account %s: stock of %d SKUs sent as feed %s",
                self.account.name,
                len(chunk),
                feed_id,
            )
        return answer

    async def _patch_stock(
        self, sku: str, marketplace_id: str, product_type: str, quantity: int
    ) -> Issue | None:
        try:
            body = await catalog.patch_listing(
                self.client,
                self.account.seller_id,
                sku,
                marketplace_id,
                product_type or self.options.product_type,
                [_availability_patch(quantity)],
            )
        except (InvalidInputError, NotFoundError) as exc:  # this SKU only; others go on
            return exc.code or str(exc.status), exc.message
        return listing_refusal(body)

    async def stock_feed_outcome(self, feed_id: str, skus: list[str]) -> FeedOutcome | None:
        """How a stock feed ended (None while Amazon is still processing it)."""
        return await feed_outcome(self.client, feed_id, skus)

    async def product_type(self, sku: str, marketplace_id: str) -> str:
        """The listing's product type as Amazon keeps it ("" when Amazon names none)."""
        item = await catalog.get_listing(
            self.client, self.account.seller_id, sku, marketplace_id, included="summaries"
        )
        for summary in item.get("summaries") or []:
            if summary.get("productType"):
                return str(summary["productType"])
        return ""

    async def upload_invoice(
        self,
        order_external_id: str,
        marketplace_id: str,
        number: str,
        pdf: bytes,
        total: str,
        facts: Mapping[str, str] | None = None,
    ) -> str:
        """UPLOAD_VAT_INVOICE: the PDF as the feed document, the facts as `metadata:` options.

        Returns the feed id; `invoice_outcome` later says whether Amazon accepted the invoice.
        The feed needs the restricted Tax Invoicing role: without it Amazon refuses `createFeed`
        (403, nothing is created) and this raises `MissingRole`, so the upload waits for the
        role instead of using up its attempts.
        """
        try:
            feed_id = await documents.submit_feed(
                self.client,
                "UPLOAD_VAT_INVOICE",
                [marketplace_id],
                pdf,
                "application/pdf",
                options={
                    "metadata:OrderId": order_external_id,
                    "metadata:InvoiceNumber": number,
                    "metadata:DocumentType": "Invoice",
                    "metadata:TotalAmount": total,
                    **{f"metadata:{key}": value for key, value in (facts or {}).items()},
                },
            )
        except AuthorizationError as exc:
            if token_expired(exc):
                raise
            raise MissingRole(
                TAX_INVOICING,
                f"the upload of invoice {number}",
                "the invoice stays queued until the role is granted (nothing was sent)",
                exc.request_id,
            ) from None
        log.info("account %s: invoice %s uploaded as feed %s", self.account.name, number, feed_id)
        return feed_id

    async def invoice_outcome(self, feed_id: str) -> FeedOutcome | None:
        """How an invoice upload ended (None while Amazon is still processing it)."""
        return await feed_outcome(self.client, feed_id)

    async def fba_stock(self, marketplace_id: str) -> dict[str, int]:
        """Fulfillable FBA quantity per SKU, for display."""
        stock: dict[str, int] = {}
        async for s in catalog.inventory_summaries(self.client, marketplace_id):
            details = s.get("inventoryDetails") or {}
            stock[str(s.get("sellerSku", ""))] = int(
                details.get("fulfillableQuantity", s.get("totalQuantity", 0)) or 0
            )
        return stock

    async def close(self) -> None:
        if self.owns_session and not self.client.session.closed:
            await self.client.session.close()


def _availability_patch(quantity: int) -> dict[str, Any]:
    return {
        # merge, not replace: restock dates and lead times set in Seller Central survive.
        "op": "merge",
        "path": "/attributes/fulfillment_availability",
        "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": max(0, quantity)}],
    }


def _iso(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


__all__ = ["AmazonConnector", "AmazonOptions", "OrderPage"]
