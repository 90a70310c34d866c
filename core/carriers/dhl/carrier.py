"""DHL Parcel DE as a `Carrier`: one label per package, cancel before closeout, close the day.

Which document DHL sends depends on the station's label printer: DHL's ZPL2 is drawn for 203 dpi
(8 dots/mm), so a ZPL printer at 203 dpi gets it as is; every other printer gets a PDF on the
configured medium (910-300-700 by default), which the printer layer rasterises at its own dpi.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import aiohttp

from core.carriers.dhl.client import DhlClient, DhlSettings
from core.carriers.dhl.products import PRODUCTS
from core.carriers.dhl.shipments import ref_no, shipment
from core.errors import PackdeskError
from core.ports import Label, LabelRequest

log = logging.getLogger(__name__)

CODE = "dhl"
LabelMedia = Callable[[str], tuple[str, int]]  # station → (printer language, dpi)


def pdf_everywhere(station: str) -> tuple[str, int]:
    return ("pdf", 0)


class DhlCarrier:
    """Labels from one DHL business customer contract."""

    code = CODE
    crash_guard = True  # DHL has no idempotency key: see core/carriers/crash_guard.py

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
        return "ZPL2" if language == "zpl" and dpi in (0, 203) else "PDF"

    def shipment_for(self, request: LabelRequest, **services: Any) -> dict[str, Any]:
        return shipment(
            self.settings, request, datetime.now(UTC).date().isoformat(), dict(services)
        )

    async def create_label(self, request: LabelRequest) -> Label:
        body = self.shipment_for(request, **request.services)
        doc = self.document_format(request.station)
        medium = self.print_format_for(request.station) if self.print_format_for else ""
        async with self._client() as client:
            items = await client.create_orders(
                [body], doc_format=doc, print_format=medium or self.settings.print_format
            )
        item = items[0]
        label = item.get("label") or {}
        if label.get("zpl2"):
            data, fmt = str(label["zpl2"]).encode(), "zpl"
        elif label.get("b64"):
            data, fmt = base64.b64decode(str(label["b64"])), "pdf"
        else:
            raise PackdeskError("DHL created the shipment but sent no label; reprint it from DHL.")
        product = PRODUCTS[str(body["product"])]
        log.info("DHL label created: %s %s", product.code, item.get("shipmentNo", ""))
        return Label(
            tracking_number=str(item.get("shipmentNo", "")),
            carrier_code="DHL",
            carrier_name="DHL",
            shipping_method=product.name,
            format=fmt,
            data=data,
            reference=str(item.get("shipmentNo", "")),
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
