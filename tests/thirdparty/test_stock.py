"""A provider's stock file sets its own bin, SKU by SKU, once per file; unknown SKUs change nothing."""

from __future__ import annotations

from core.config import Settings
from core.persistence.models import (
    AuditEventRow,
    BinRow,
    ListingRow,
    StockLevelRow,
    StockMovementRow,
    WarehouseRow,
)
from core.security import SecretBox
from core.thirdparty.cycle import run_thirdparty_cycle
from tests.support.factories import make_account, make_article
from tests.thirdparty.conftest import errors, inbox


def stock_xml(*levels: tuple[str, int], provider: str = "acme") -> bytes:
    body = "".join(f'<level sku="{sku}" quantity="{qty}"/>' for sku, qty in levels)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<stock xmlns="urn:packdesk:3pl:stock:1.0" '
        f'version="1.0" provider="{provider}" created="2026-11-21T06:00:00Z">{body}</stock>\n'
    ).encode()


async def provider_levels() -> dict[str, int]:
    rows = await StockLevelRow.filter(
        bin__code="MAIN", bin__warehouse__name="3pl:acme"
    ).prefetch_related("article")
    return {r.article.sku: r.on_hand for r in rows}


async def movements() -> list[tuple[str, int, str, str]]:
    rows = (
        await StockMovementRow.filter(reason="3pl_count").order_by("id").prefetch_related("article")
    )
    return [(m.article.sku, m.quantity, m.actor, m.reference) for m in rows]


async def import_file(settings: Settings, box: SecretBox, name: str, data: bytes) -> str:
    (inbox(settings) / name).write_bytes(data)
    summary = await run_thirdparty_cycle(settings, box, export=False)
    [outcome] = summary.files["acme"]
    assert outcome.name == name
    return outcome.status


async def test_counts_set_the_providers_bin_and_flag_listings(db, box, settings):
    acc = await make_account()
    mug = await make_article("MUG", 1, account_id=acc, on_hand=10)
    tea = await make_article("TEA", 2, on_hand=5)
    await ListingRow.create(
        article_id=tea, account_id=acc, marketplace_id="A1PA6795UKMFR9", seller_sku="TEA-DE"
    )

    first = stock_xml(("MUG", 7), ("TEA-DE", 0))  # a seller SKU names its article too
    assert await import_file(settings, box, "stock-1.xml", first) == "applied"
    assert await provider_levels() == {"MUG": 7, "TEA": 0}
    assert await movements() == [("MUG", 7, "3pl:acme", "stock-1.xml")]  # 0 → 0 is no movement
    assert await ListingRow.filter(article_id=mug, stock_dirty=True).count() == 1
    assert await ListingRow.filter(article_id=tea, stock_dirty=True).count() == 0
    desk = await StockLevelRow.filter(bin__warehouse__name="main").prefetch_related("article")
    assert {r.article.sku: r.on_hand for r in desk} == {"MUG": 10, "TEA": 5}  # untouched

    await ListingRow.all().update(stock_dirty=False)  # as after a stock push
    second = stock_xml(("MUG", 4), ("TEA", 2))
    assert await import_file(settings, box, "stock-2.xml", second) == "applied"
    assert await provider_levels() == {"MUG": 4, "TEA": 2}
    assert (await movements())[1:] == [
        ("MUG", -3, "3pl:acme", "stock-2.xml"),
        ("TEA", 2, "3pl:acme", "stock-2.xml"),
    ]
    assert await ListingRow.filter(stock_dirty=True).count() == 2
    event = await AuditEventRow.filter(action="thirdparty.stock").order_by("-id").first()
    assert event is not None and event.detail["changed"] == {"MUG": -3, "TEA": 2}

    await ListingRow.all().update(stock_dirty=False)
    assert await import_file(settings, box, "stock-2-again.xml", second) == "rejected"
    assert "already applied" in errors(settings)["stock-2-again.xml"]
    assert len(await movements()) == 3 and await provider_levels() == {"MUG": 4, "TEA": 2}
    assert await ListingRow.filter(stock_dirty=True).count() == 0
    assert await BinRow.filter(warehouse__name="3pl:acme").count() == 1


async def test_an_unknown_sku_rejects_the_whole_file(db, box, settings):
    acc = await make_account()
    await make_article("MUG", 1, account_id=acc)
    data = stock_xml(("MUG", 3), ("NOPE-1", 1))
    assert await import_file(settings, box, "stock.xml", data) == "rejected"
    reason = errors(settings)["stock.xml"]
    assert "unknown SKU NOPE-1" in reason and "Nothing of it was applied" in reason
    assert await StockMovementRow.all().count() == 0
    assert await WarehouseRow.filter(name="3pl:acme").count() == 0
    assert await ListingRow.filter(stock_dirty=True).count() == 0


async def test_two_skus_of_one_article_are_refused(db, box, settings):
    acc = await make_account()
    mug = await make_article("MUG", 1, account_id=acc)
    await ListingRow.create(
        article_id=mug, account_id=acc, marketplace_id="A1PA6795UKMFR9", seller_sku="MUG-DE"
    )
    data = stock_xml(("MUG", 3), ("MUG-DE", 5))
    assert await import_file(settings, box, "stock.xml", data) == "rejected"
    assert "SKUs MUG and MUG-DE name the same article" in errors(settings)["stock.xml"]
    assert await StockMovementRow.all().count() == 0
