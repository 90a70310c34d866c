"""DHL Parcel DE as a `Carrier`: one label per package, cancel before closeout, close the day.

Which document DHL sends depends on the station's label printer. DHL's API offers ZPL2 drawn for
203 dpi (8 dots/mm) and no other resolution: `docFormat` is ZPL2 or PDF, and the `printFormat`
enum names media, not resolutions. Zebra's ``^MUd,200,600`` prints a 200 dpi format on a 600 dpi
head (an exact ×3); Zebra has no 200 → 300 conversion (×1.5). So a ZPL printer at 203 dpi gets
DHL's ZPL as is, one at 600 dpi gets it with ``^MU`` after each ``^XA``, and every other printer
(300 dpi Zebras included) gets a PDF on the configured medium, which the printer layer rasterises
at the printer's own dpi.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import aiohttp

from core.carriers.crash_guard import Noted
from core.carriers.dhl.client import DhlClient, DhlError, DhlSettings
from core.carriers.dhl.products import PRODUCTS, Product
from core.carriers.dhl.shipments import ref_no, shipment
from core.ports import Label, LabelRequest

log = logging.getLogger(__name__)

CODE = "dhl"
LabelMedia = Callable[[str], tuple[str, int]]  # station → (printer language, dpi)
ZPL_UNITS = {0: b"", 203: b"", 600: b"^MUd,200,600"}  # printer dpi → how DHL's ZPL is told so


def pdf_everywhere(station: str) -> tuple[str, int]:
    return ("pdf", 0)


def _document(item: dict[str, Any]) -> tuple[bytes, str]:
    """The shipping label of one answer item as (bytes, format); empty when it has none."""
    label = item.get("label") or {}
    if label.get("zpl2"):
        return str(label["zpl2"]).encode(), "zpl"
    if label.get("b64"):
        return base64.b64decode(str(label["b64"])), "pdf"
    return b"", ""


class DhlCarrier:
    """Labels from one DHL business customer contract."""

    code = CODE
    crash_guard = True  # DHL has no idempotency key nor a search by reference: see crash_guard

    def __init__(
        self,
        settings: DhlSettings,
        session: aiohttp.ClientSession | None = None,
        *,
        label_media: LabelMedia = pdf_everywhere,
        name: str = CODE,
        print_format_for: Callable[[str], str] | None = None,
    ) -> None:
        self.settings = settings
        self.name = name
        self.label_media = label_media
        # station → DHL print format for a PDF on the labels its printer holds ("" = contract's)
        self.print_format_for = print_format_for
        self._session = session

    @asynccontextmanager
    async def _client(self) -> AsyncIterator[DhlClient]:
        """The caller's session, or one for this call: labels come seconds apart, and a
        session of our own would outlive the loop of the outbox that made it."""
        if self._session is not None:
            yield DhlClient(self._session, self.settings)
            return
        async with aiohttp.ClientSession() as session:
            yield DhlClient(session, self.settings)

    def reference_for(self, request: LabelRequest) -> str:
        return ref_no(request)

    def document_format(self, station: str) -> str:
        language, dpi = self.label_media(station)
        return "ZPL2" if language == "zpl" and dpi in ZPL_UNITS else "PDF"

    def for_printer(self, zpl: bytes, station: str) -> bytes:
        """DHL's 203 dpi ZPL for the station's ZPL printer (see the module docstring)."""
        units = ZPL_UNITS.get(self.label_media(station)[1], b"")
        return zpl.replace(b"^XA", b"^XA" + units) if units else zpl

    def shipment_for(self, request: LabelRequest, **services: Any) -> dict[str, Any]:
        return shipment(
            self.settings, request, datetime.now(UTC).date().isoformat(), dict(services)
        )

    def _formats(self, station: str) -> tuple[str, str | None]:
        """(docFormat, printFormat) for the label printer of `station`."""
        medium = self.print_format_for(station) if self.print_format_for else ""
        return self.document_format(station), medium or self.settings.print_format

    def _product(self, request: LabelRequest) -> Product:
        return PRODUCTS[str(self.shipment_for(request, **request.services)["product"])]

    async def create_label(self, request: LabelRequest, noted: Noted | None = None) -> Label:
        """Buy the label. `noted(number)` is awaited the moment DHL has named the shipment, so
        that from then on an interrupted purchase is found again (`label_again`), not repeated."""
        body = self.shipment_for(request, **request.services)
        doc, medium = self._formats(request.station)
        async with self._client() as client:
            [item] = await client.create_orders([body], doc_format=doc, print_format=medium)
            number = str(item.get("shipmentNo") or "")
            if not number:
                raise DhlError("DHL accepted the shipment but named no number.", ambiguous=True)
            if noted is not None:
                await noted(number)
            if not _document(item):  # the answer came without the label: DHL keeps it for us
                item = await client.labels_again(number, doc_format=doc, print_format=medium)
        log.info("DHL label created: %s %s", body["product"], number)
        return self._label(item, PRODUCTS[str(body["product"])], request.station)

    async def label_again(self, request: LabelRequest, number: str) -> Label:
        """`GET /orders`: the label of a shipment made earlier, if DHL has not closed it yet."""
        doc, medium = self._formats(request.station)
        async with self._client() as client:
            item = await client.labels_again(number, doc_format=doc, print_format=medium)
        log.info("DHL label fetched again for shipment %s", number)
        return self._label(item, self._product(request), request.station)

    async def rebuy_after_lost_answer(self, request: LabelRequest) -> bool:
        """DHL bills domestic products on production data (only a parcel handed over is paid
        for) and international ones on the shipment data it holds at the end of the day, so
        only a lost domestic shipment is free once no parcel carries it (spec, POST /manifests).
        """
        return not self._product(request).international

    def _label(self, item: dict[str, Any], product: Product, station: str) -> Label:
        number = str(item.get("shipmentNo", ""))
        data, fmt = _document(item)
        if not data:
            raise DhlError(f"DHL sent no label for shipment {number}; will ask again.")
        if fmt == "zpl":
            data = self.for_printer(data, station)
        return Label(
            tracking_number=number,
            carrier_code="DHL",
            carrier_name="DHL",
            shipping_method=product.name,
            format=fmt,
            data=data,
            reference=number,
        )

    async def cancel_label(self, label: Label) -> None:
        async with self._client() as client:
            await client.cancel([label.reference or label.tracking_number])

    async def closeout(self, shipment_numbers: list[str] | None = None) -> list[str]:
        """Manifest the day's shipments; returns the shipment numbers DHL closed."""
        async with self._client() as client:
            items = await client.closeout(shipment_numbers)
        return [
            str(it.get("shipmentNo", ""))
            for it in items
            if (it.get("sstatus") or {}).get("statusCode", 200) < 400
        ]

    async def check(self, request: LabelRequest) -> list[dict[str, Any]]:
        """A validate-only order: DHL checks everything and stores nothing."""
        async with self._client() as client:
            return await client.create_orders(
                [self.shipment_for(request)],
                validate=True,
                print_format=self.settings.print_format,
            )
