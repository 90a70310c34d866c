"""Pick slips, per station setting `pick_slip`: "never", "on_claim" or "with_papers".

On claim, the payload is the pick slip as data (`application/vnd.packdesk.pick-slip+json`, the
format printers/render/pick_slip.py reads); the spool renders it for whichever printer the
station's `pick_slip` route names. With the papers, it is one more A4 page in the delivery note's
print job (`shipment_pick_slip_pdf`): what this shipment holds, by bin, with the order's barcode,
so the papers and the slip come out of the desk's printer together. Each line says the bin that
holds most of the article.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime

from core.errors import UserInputError
from core.persistence.models import (
    ArticleRow,
    OrderLineRow,
    OrderRow,
    PackageLineRow,
    ShipmentRow,
    StockLevelRow,
)
from core.ports import PrintPort, PrintRequest

log = logging.getLogger(__name__)
PICK_SLIP_TYPE = "application/vnd.packdesk.pick-slip+json"
NEVER, ON_CLAIM, WITH_PAPERS = "never", "on_claim", "with_papers"


async def _bins(skus: list[str]) -> dict[str, str]:
    """sku → code of the bin holding most of it."""
    articles = {a.id: a.sku for a in await ArticleRow.filter(sku__in=skus).only("id", "sku")}
    best: dict[str, tuple[int, str]] = {}
    levels = await StockLevelRow.filter(article_id__in=list(articles)).prefetch_related("bin")
    for level in levels:
        sku = articles[level.article_id]
        if level.on_hand > best.get(sku, (-1, ""))[0]:
            best[sku] = (level.on_hand, level.bin.code)
    return {sku: code for sku, (_, code) in best.items()}


def _walk(picks: list[dict[str, object]]) -> list[dict[str, object]]:
    """Walk the shelves in order; lines without a bin last."""
    return sorted(picks, key=lambda p: (p["bin"] == "", str(p["bin"]), str(p["sku"])))


async def pick_slip_payload(order_id: int, station: str, now: datetime | None = None) -> bytes:
    order = await OrderRow.get(id=order_id)
    lines = [
        ln
        for ln in await OrderLineRow.filter(order_id=order_id).order_by("id")
        if ln.quantity > ln.quantity_shipped
    ]
    bins = await _bins([ln.sku for ln in lines])
    picks = _walk(
        [
            {
                "sku": ln.sku,
                "title": ln.title,
                "qty": ln.quantity - ln.quantity_shipped,
                "bin": bins.get(ln.sku, ""),
            }
            for ln in lines
        ]
    )
    data = {
        "order_ref": order.external_id,
        "lines": picks,
        "heading": "Pick slip",
        "station": station,
        "created_at": (now or datetime.now(UTC)).isoformat(),
        "notes": [],
    }
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


async def print_on_claim(
    order_id: int, station: str, setting: str, print_port: PrintPort | None
) -> int | None:
    """Spool the order's pick slip when the station prints them on claim; once per order."""
    if setting != ON_CLAIM or print_port is None:
        return None
    order = await OrderRow.get(id=order_id).only("id", "external_id")
    request = PrintRequest(
        station=station,
        kind="pick_slip",
        title=f"Pick slip {order.external_id}",
        content_type=PICK_SLIP_TYPE,
        payload=await pick_slip_payload(order_id, station),
        key=f"pick_slip:claim:{order_id}",  # claimed again (resumed): not printed twice
    )
    try:
        return await print_port.submit(request)
    except UserInputError as exc:  # no pick slip route: packing goes on, the log says why
        log.warning("pick slip for order %s not printed: %s", order.external_id, exc)
        return None


async def pick_list_payload(
    order_ids: list[int], station: str, now: datetime | None = None
) -> bytes:
    """One walk for a batch of orders: each article once per bin with the total, sorted by bin;
    the notes say which order gets how many (the slip's codes carry the first order)."""
    orders = {o.id: o.external_id for o in await OrderRow.filter(id__in=order_ids)}
    lines = [
        ln
        for ln in await OrderLineRow.filter(order_id__in=order_ids).order_by("order_id", "id")
        if ln.quantity > ln.quantity_shipped
    ]
    bins = await _bins(sorted({ln.sku for ln in lines}))
    totals: dict[str, dict[str, object]] = {}
    for ln in lines:
        entry = totals.setdefault(
            ln.sku, {"sku": ln.sku, "title": ln.title, "qty": 0, "bin": bins.get(ln.sku, "")}
        )
        entry["qty"] = int(str(entry["qty"])) + ln.quantity - ln.quantity_shipped
    picks = _walk(list(totals.values()))
    notes = [
        f"{orders[ln.order_id]}: {ln.quantity - ln.quantity_shipped} x {ln.sku}" for ln in lines
    ]
    first = orders.get(order_ids[0], "") if order_ids else ""
    data = {
        "order_ref": first,
        "lines": picks,
        "heading": f"Pick list ({len(orders)} orders)",
        "station": station,
        "created_at": (now or datetime.now(UTC)).isoformat(),
        "notes": notes,
    }
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


async def shipment_pick_slip_pdf(shipment_id: int, station: str) -> bytes:
    """An A4 pick slip of what the shipment holds, to print in the delivery note's job."""
    shipment = await ShipmentRow.get(id=shipment_id)
    order = await OrderRow.get(id=shipment.order_id).only("id", "external_id")
    packed = await PackageLineRow.filter(package__shipment_id=shipment_id).prefetch_related(
        "order_line"
    )
    qty: dict[int, int] = {}
    lines: dict[int, OrderLineRow] = {}
    for item in packed:
        qty[item.order_line_id] = qty.get(item.order_line_id, 0) + item.quantity
        lines[item.order_line_id] = item.order_line
    bins = await _bins(sorted({ln.sku for ln in lines.values()}))
    picks = _walk(
        [
            {"sku": ln.sku, "title": ln.title, "qty": qty[i], "bin": bins.get(ln.sku, "")}
            for i, ln in lines.items()
        ]
    )
    from core.documents.pick_slip_page import render_pick_slip_page

    return await asyncio.to_thread(
        render_pick_slip_page, order.external_id, picks, station, datetime.now(UTC)
    )
