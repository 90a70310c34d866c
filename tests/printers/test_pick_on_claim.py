"""Pick slips print when an order is claimed, per station setting, lines sorted by bin."""

from __future__ import annotations

from pathlib import Path

from core.config import Settings
from core.persistence.models import (
    ArticleRow,
    BinRow,
    OrderRow,
    PrintJobRow,
    StockLevelRow,
    WarehouseRow,
)
from core.security import SecretBox
from core.services import pick_slips
from core.services.intake import upsert_orders
from printers import Spool
from printers.render.pick_slip import PICK_SLIP_TYPE, PickSlip
from tests.support.factories import make_account, make_order


def settings(tmp_path: Path, when: str) -> Settings:
    return Settings.model_validate(
        {
            "station": "desk-1",
            "printers": {"receipt": {"kind": "folder", "path": str(tmp_path / "out")}},
            "stations": {"desk-1": {"routes": {"pick_slip": "receipt"}, "pick_slip": when}},
        }
    )


def _printed(folder: Path) -> str:
    (only,) = folder.iterdir()
    return only.read_text()


async def _order(box: SecretBox) -> int:
    account = await make_account()
    order = make_order("302-5550000-0000009", account_id=account, lines=[("MUG", 2), ("TEA", 1)])
    await upsert_orders(account, [order], box)
    warehouse = await WarehouseRow.create(name="main")
    for sku, code in (("MUG", "B-07"), ("TEA", "A-01")):
        article, _ = await ArticleRow.get_or_create(sku=sku, defaults={"title": sku})
        place = await BinRow.create(warehouse_id=warehouse.id, code=code)
        await StockLevelRow.create(article_id=article.id, bin_id=place.id, on_hand=5)
    return (await OrderRow.get(external_id="302-5550000-0000009")).id


async def test_pick_slip_prints_on_claim_once_sorted_by_bin(
    db: str, box: SecretBox, tmp_path: Path
) -> None:
    cfg = settings(tmp_path, "on_claim")
    spool = Spool(cfg)
    order_id = await _order(box)
    setting = cfg.stations["desk-1"].pick_slip
    job_id = await pick_slips.print_on_claim(order_id, "desk-1", setting, spool)
    assert job_id is not None
    again = await pick_slips.print_on_claim(order_id, "desk-1", setting, spool)  # resumed
    assert again == job_id and await PrintJobRow.all().count() == 1
    row = await PrintJobRow.get(id=job_id)
    assert row.printer == "receipt" and row.content_type == PICK_SLIP_TYPE
    slip = PickSlip.from_json(bytes(row.payload))
    assert slip.order_ref == "302-5550000-0000009"
    assert [(ln.bin, ln.sku, ln.qty) for ln in slip.lines] == [
        ("A-01", "TEA", 1),
        ("B-07", "MUG", 2),
    ]
    await spool.worker("receipt").drain()
    assert "302-5550000-0000009" in _printed(tmp_path / "out")


async def test_never_prints_nothing(db: str, box: SecretBox, tmp_path: Path) -> None:
    spool = Spool(settings(tmp_path, "never"))
    order_id = await _order(box)
    assert await pick_slips.print_on_claim(order_id, "desk-1", "never", spool) is None
    assert await PrintJobRow.all().count() == 0


async def test_pick_list_sums_a_batch_by_bin(db: str, box: SecretBox, tmp_path: Path) -> None:
    first = await _order(box)
    account = await make_account("amazon-fr")
    second = make_order("302-5550000-0000010", account_id=account, lines=[("MUG", 1)])
    await upsert_orders(account, [second], box)
    other = (await OrderRow.get(external_id="302-5550000-0000010")).id
    slip = PickSlip.from_json(await pick_slips.pick_list_payload([first, other], "desk-1"))
    assert [(ln.bin, ln.sku, ln.qty) for ln in slip.lines] == [
        ("A-01", "TEA", 1),
        ("B-07", "MUG", 3),
    ]
    assert "302-5550000-0000010: 1 x MUG" in slip.notes and slip.heading.startswith("Pick list")
