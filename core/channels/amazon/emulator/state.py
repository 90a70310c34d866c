"""The live seller state: what Amazon knows about each seller, moving on as emulated time passes."""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from typing import Any

from core.channels.amazon.emulator import seed as seeding
from core.channels.amazon.emulator.clock import iso
from core.channels.amazon.emulator.model import (
    Article,
    Document,
    Feed,
    InvoiceUpload,
    LabelShipment,
    Listing,
    Order,
    Package,
    PendingListingChange,
    Report,
    SellerAccount,
)

REPORT_STARTS_AFTER = 5.0  # emulated seconds IN_QUEUE
REPORT_TAKES = 15.0  # emulated seconds IN_PROGRESS
FEED_STARTS_AFTER = 5.0
FEED_TAKES = 25.0
LISTING_APPLY_AFTER = 30.0  # an ACCEPTED listings submission shows after this
ORDER_ARRIVAL_EVERY = 900.0  # a new order somewhere every 15 emulated minutes
SEED_SPAN_DAYS = 3


class SellerState:
    """Accounts, articles, listings, orders, reports, feeds, uploads and labels of all sellers."""

    def __init__(self, *, seed: int, accounts: int, orders: int, now: float) -> None:
        self.seed = seed
        self.accounts: list[SellerAccount] = seeding.make_accounts(seed, accounts)
        self.articles: list[Article] = seeding.make_articles(seed)
        self.listings: dict[tuple[str, str, str], Listing] = {
            (lst.seller_id, lst.sku, lst.marketplace_id): lst
            for lst in seeding.make_listings(seed, self.accounts, self.articles, now)
        }
        self.orders: dict[str, Order] = {}
        self.confirmations: list[dict[str, Any]] = []
        self.documents: dict[str, Document] = {}
        self.reports: dict[str, Report] = {}
        self.feeds: dict[str, Feed] = {}
        self.uploads: list[InvoiceUpload] = []
        self.fulfillment_feeds: list[dict[str, Any]] = []
        self.shipments: dict[str, LabelShipment] = {}
        self.pending_listing_changes: list[PendingListingChange] = []
        self.applied_submissions: list[str] = []
        self.listing_issues: dict[
            tuple[str, str], tuple[str, str]
        ] = {}  # (seller, sku) → code, msg
        # (seller, invoice number) → why Amazon refused the uploaded invoice (VIDR description)
        self.invoice_issues: dict[tuple[str, str], str] = {}
        self.revoked_roles: set[tuple[str, str]] = set()  # (seller, role) not authorized
        self.pii_requires_rdt = True
        self.next_tokens: dict[str, tuple[str, Any, int, float]] = {}
        self._ids = random.Random(f"{seed}:ids")
        self._counter = 0
        self._order_index = 0
        self._next_event = float("-inf")
        span = SEED_SPAN_DAYS * 86400
        for i in range(orders):
            self._add_order(now - span + span * (i + 0.5) / max(orders, 1) - 180, now)
        self._next_arrival = now + ORDER_ARRIVAL_EVERY
        self.progress(now)
        self._ship_history(now)

    # -- ids ------------------------------------------------------------------------------------
    def new_uuid(self) -> str:
        """A deterministic UUID4 string."""
        return str(uuid.UUID(int=self._ids.getrandbits(128), version=4))

    def new_number(self) -> str:
        """A deterministic numeric id like Amazon's report and feed ids."""
        self._counter += 1
        return str(50000000000 + self._counter * 7919)

    def new_token(self) -> str:
        """An opaque pagination token."""
        return "".join(
            self._ids.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
            for _ in range(32)
        )

    # -- lookups --------------------------------------------------------------------------------
    def account(self, seller_id: str) -> SellerAccount | None:
        """The account with this merchant token."""
        return next((a for a in self.accounts if a.seller_id == seller_id), None)

    def order_for(self, seller_id: str, order_id: str) -> Order | None:
        """An order of this seller (another seller's order is as good as unknown)."""
        order = self.orders.get(order_id)
        return order if order is not None and order.seller_id == seller_id else None

    def listings_of(self, seller_id: str, sku: str) -> list[Listing]:
        """All marketplaces' listings of one SKU."""
        return [v for (s, k, _), v in self.listings.items() if s == seller_id and k == sku]

    def article(self, sku: str) -> Article | None:
        """The catalogue article behind a SKU."""
        return next((a for a in self.articles if a.sku == sku), None)

    # -- time -----------------------------------------------------------------------------------
    def progress(self, now: float) -> None:
        """Apply everything that is due by ``now``: order moves, arrivals, reports, feeds, listings."""
        if now < self._next_event:
            return
        while self._next_arrival <= now:
            self._add_order(self._next_arrival, now)
            self._next_arrival += ORDER_ARRIVAL_EVERY
        upcoming = [self._next_arrival]
        for order in self.orders.values():
            upcoming.append(self._move_order(order, now))
        from core.channels.amazon.emulator.processing import advance_feeds, advance_reports

        upcoming.append(advance_reports(self, now))
        upcoming.append(advance_feeds(self, now))
        upcoming.append(self._apply_listing_changes(now))
        self._next_event = min(upcoming)

    def wake(self, at: float) -> None:
        """Make sure ``progress`` runs again at ``at``."""
        self._next_event = min(self._next_event, at)

    def _add_order(self, purchase: float, now: float) -> None:
        index = self._order_index
        self._order_index += 1
        account = self.accounts[index % len(self.accounts)]
        order = seeding.make_order(self.seed, index, account, self.articles, purchase, now)
        while (
            order.order_id in self.orders
        ):  # a 3-7-7 collision: vanishingly rare, but keep ids unique
            order.order_id = order.order_id[:-1] + str((int(order.order_id[-1]) + 1) % 10)
        self.orders[order.order_id] = order

    def place_order(
        self,
        seller_id: str,
        channel: str,
        items: list[tuple[str, int]],
        now: float,
        marketplace_id: str | None = None,
    ) -> Order:
        """A new order placed and paid now (``POST /_emulator/orders``): Unshipped at once.

        Buyer, address and prices come from the seed like every other order; the lines are the
        SKUs asked for (ValueError names what is wrong)."""
        account = self.account(seller_id) or next(
            (a for a in self.accounts if a.name == seller_id), None
        )
        if account is None:
            raise ValueError(f"no seller {seller_id!r}")
        if channel not in ("MFN", "AFN"):
            raise ValueError("channel must be MFN or AFN")
        market = marketplace_id or account.marketplace_ids[0]
        if market not in account.marketplace_ids:
            raise ValueError(f"seller {account.seller_id} does not sell in {market}")
        if not items:
            raise ValueError("an order needs items")
        order = seeding.make_order(self.seed, self._order_index, account, self.articles, now, now)
        self._order_index += 1
        template = order.items[0]
        lines = []
        for n, (sku, quantity) in enumerate(items):
            article = self.article(sku)
            if article is None:
                raise ValueError(f"no article {sku!r}")
            if quantity < 1:
                raise ValueError(f"quantity of {sku} must be at least 1")
            lines.append(
                replace(
                    template,
                    item_id=f"{template.item_id[:-3]}{n:03d}",
                    sku=sku,
                    asin=article.asin,
                    title=article.title,
                    quantity=quantity,
                    unit_price=article.price,
                    quantity_shipped=0,
                    buyer_cancel_reason=None,
                    promotion_ids=[],
                )
            )
        order.items, order.channel, order.marketplace_id = lines, channel, market
        order.status, order.pending_until, order.last_update = "Unshipped", None, now
        order.ship_at = now + 3600 if channel == "AFN" else None
        while order.order_id in self.orders:
            order.order_id = order.order_id[:-1] + str((int(order.order_id[-1]) + 1) % 10)
        self.orders[order.order_id] = order
        self.wake(now)
        return order

    def _move_order(self, order: Order, now: float) -> float:
        """Move one order on; returns when it next changes (inf if never by itself)."""
        if order.status == "Pending" and order.pending_until is not None:
            if order.pending_until > now:
                return order.pending_until
            order.status = "Unshipped"
            order.last_update = order.pending_until
            order.pending_until = None
        if order.channel == "AFN" and order.ship_at is not None and order.status == "Unshipped":
            if order.ship_at > now:
                return order.ship_at
            for item in order.items:
                item.quantity_shipped = item.quantity
            order.status = "Shipped"
            order.last_update = order.ship_at
            order.ship_at = None
        return float("inf")

    def _ship_history(self, now: float) -> None:
        """Older MFN orders have mostly been shipped by the seller already."""
        rng = random.Random(f"{self.seed}:history")
        for order in self.orders.values():
            if (
                order.channel != "MFN"
                or order.status == "Canceled"
                or now - order.purchase_date < 36 * 3600
            ):
                continue
            if rng.random() < 0.6:
                shipped = order.purchase_date + 20 * 3600
                for item in order.items:
                    item.quantity_shipped = item.quantity
                order.packages.append(
                    Package(
                        "1",
                        "DHL",
                        None,
                        "Paket",
                        f"00340434{rng.randrange(10**10):010d}",
                        iso(shipped),
                        [(i.item_id, i.quantity) for i in order.items],
                        shipped,
                        source="history",
                    )
                )
                order.status = "Shipped"
                order.pending_until = None
                order.last_update = shipped

    def _apply_listing_changes(self, now: float) -> float:
        from core.channels.amazon.emulator.listing_changes import apply_change

        due = [c for c in self.pending_listing_changes if c.apply_at <= now]
        if due:
            self.pending_listing_changes = [
                c for c in self.pending_listing_changes if c.apply_at > now
            ]
            for change in due:
                apply_change(self, change)
                self.applied_submissions.append(change.submission_id)
        return min((c.apply_at for c in self.pending_listing_changes), default=float("inf"))
