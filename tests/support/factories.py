"""Orders and catalogue rows for tests and benchmarks, shaped like what a connector delivers."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from core.domain.catalog import gtin_check_digit
from core.domain.orders import Address, Buyer, Channel, Order, OrderLine
from core.persistence.models import (
    AccountRow,
    ArticleRow,
    BarcodeRow,
    BinRow,
    ListingRow,
    StockLevelRow,
    WarehouseRow,
)

NAMES = [
    "Łukasz Wójcik",
    "Søren Ølgaard",
    "Jürgen Groß",
    "Élodie Façon",
    "Çağrı Öztürk",
    "Γιώργος Παπαδόπουλος",
    "Anna Svensson",
]


def ean(n: int) -> str:
    body = f"400{n:09d}"
    return body + str(gtin_check_digit(body))


def make_order(
    external_id: str,
    *,
    account_id: int,
    channel: Channel = Channel.MFN,
    marketplace_id: str = "A1PA6795UKMFR9",
    lines: list[tuple[str, int]] | None = None,
    channel_status: str = "Unshipped",
    purchased_at: datetime | None = None,
    buyer_name: str = "Jürgen Groß",
    is_prime: bool = False,
    latest_ship_at: datetime | None = None,
) -> Order:
    purchased_at = purchased_at or datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    return Order(
        account_id=account_id,
        external_id=external_id,
        marketplace_id=marketplace_id,
        channel=channel,
        purchased_at=purchased_at,
        currency="EUR",
        channel_status=channel_status,
        is_prime=is_prime,
        latest_ship_at=latest_ship_at or purchased_at + timedelta(days=2),
        buyer=Buyer(name=buyer_name, email=f"{external_id}@marketplace.amazon.de"),
        ship_to=Address(
            name=buyer_name,
            line1="Hauptstraße 5",
            postcode="10115",
            city="Berlin",
            country="DE",
            phone="+49 30 1234567",
        ),
        lines=[
            OrderLine(
                external_id=f"{external_id}-{i}",
                sku=sku,
                title=f"Article {sku}",
                quantity=qty,
                unit_price=Decimal("19.99"),
                tax_rate=Decimal("19"),
            )
            for i, (sku, qty) in enumerate(lines or [("SKU-1", 1)], start=1)
        ],
    )


def make_orders(n: int, account_id: int, seed: int = 1, lines_per_order: int = 2) -> list[Order]:
    rng = random.Random(seed)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    orders = []
    for i in range(n):
        purchased = start + timedelta(minutes=i)
        orders.append(
            make_order(
                f"302-{i:07d}-{seed:07d}",
                account_id=account_id,
                channel=Channel.AFN if rng.random() < 0.2 else Channel.MFN,
                lines=[
                    (f"SKU-{rng.randint(1, 50)}", rng.randint(1, 3)) for _ in range(lines_per_order)
                ],
                purchased_at=purchased,
                latest_ship_at=purchased + timedelta(hours=rng.randint(12, 72)),
                is_prime=rng.random() < 0.3,
                buyer_name=rng.choice(NAMES),
            )
        )
    return orders


async def make_account(name: str = "amazon-de", marketplaces: list[str] | None = None) -> int:
    row = await AccountRow.create(
        name=name,
        seller_id=f"A{name.upper()[:10]}",
        marketplace_ids=marketplaces or ["A1PA6795UKMFR9"],
    )
    return row.id


async def make_article(
    sku: str,
    n: int,
    *,
    account_id: int | None = None,
    on_hand: int = 10,
    marketplace_id: str = "A1PA6795UKMFR9",
) -> int:
    """An article with an EAN and an FNSKU, stock in the default bin and (optionally) a listing."""
    article = await ArticleRow.create(sku=sku, title=f"Article {sku}")
    await BarcodeRow.create(article_id=article.id, code=ean(n), kind="ean")
    await BarcodeRow.create(article_id=article.id, code=f"X00{n:07d}", kind="fnsku")
    warehouse, _ = await WarehouseRow.get_or_create(name="main")
    bin_row, _ = await BinRow.get_or_create(warehouse_id=warehouse.id, code="DEFAULT")
    await StockLevelRow.create(article_id=article.id, bin_id=bin_row.id, on_hand=on_hand)
    if account_id is not None:
        await ListingRow.create(
            article_id=article.id,
            account_id=account_id,
            marketplace_id=marketplace_id,
            seller_sku=sku,
        )
    return article.id
