"""A DHL label at Zebras of 203, 300 and 600 dpi: each gets what DHL's spec and Zebra allow.

DHL sends ZPL2 at 203 dpi only (its `docFormat`/`printFormat` enums name no resolution). A 600 dpi
Zebra gets that ZPL with Zebra's ``^MUd,200,600`` (an exact ×3); a 300 dpi one (Zebra cannot
convert 200 → 300) gets DHL's PDF rasterised at 300 dpi, decoded here by zebrafy (not ours) and
read back by zbarimg."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from console.wiring import dhl_print_format, label_media
from core.carriers.dhl.carrier import DhlCarrier
from core.carriers.directory import import_file, settings_of
from core.carriers.labels import CONTENT_TYPES
from core.config import Settings, StationSettings, ZplPrinter
from core.persistence.models import CarrierAccountRow
from core.ports import PrintRequest
from core.services.setup import ensure_basics
from printers.spool import Spool
from tests.carriers.test_dhl_emulator import request
from tests.printers.sink import Sink

pytestmark = pytest.mark.network


@pytest.fixture
async def zebra() -> AsyncIterator[Sink]:
    sink = await Sink().start()
    try:
        yield sink
    finally:
        await sink.stop()


async def _printed(db: Any, box: Any, emu: Any, contract: Any, zebra: Sink, dpi: int
                   ) -> tuple[str, bytes]:  # fmt: skip
    """Buy a label for desk-1 whose Zebra has `dpi` and 103×199 mm labels; the bytes it got."""
    settings = Settings(
        station="desk-1",
        printers={
            "zebra": ZplPrinter(
                kind="zpl",
                host=zebra.host,
                port=zebra.port,
                dpi=dpi,
                label_size="103x199mm",
                timeout_s=5,
            )
        },
        stations={"desk-1": StationSettings(routes={"label": "zebra"})},
    )
    await ensure_basics("desk-1")
    [imported] = await import_file(emu.credentials, box)
    row = await CarrierAccountRow.get(name=imported.name)
    async with aiohttp.ClientSession() as session:
        carrier = DhlCarrier(settings_of(row, box), session, label_media=label_media(settings),
                             print_format_for=dhl_print_format(settings))  # fmt: skip
        label = await carrier.create_label(request(station="desk-1"))
    spool = Spool(settings)
    await spool.submit(PrintRequest(station="desk-1", kind="label", title="Label",
                                    content_type=CONTENT_TYPES[label.format], payload=label.data,
                                    key="label:1"))  # fmt: skip
    await spool.worker("zebra").drain()
    for exchange in emu.dhl.exchanges:
        contract.check(exchange)
    [printed] = zebra.jobs
    return label.tracking_number, printed


def _scanned(image: Any) -> list[str]:
    """What zbarimg reads off an image."""
    buf = io.BytesIO()
    image.convert("L").save(buf, format="PNG")
    read = subprocess.run(["zbarimg", "-q", "--raw", "-"], input=buf.getvalue(),
                          capture_output=True, check=False)  # fmt: skip
    return read.stdout.decode().split()


def _barcodes(printed: bytes) -> list[bytes]:
    return re.findall(rb"\^BC[^\^]*\^FD([^\^]+)\^FS", printed)


async def test_203_dpi_zebra_gets_dhls_zpl_as_it_is(db, box, emu, contract, zebra):
    number, printed = await _printed(db, box, emu, contract, zebra, 203)
    assert "docFormat=ZPL2" in emu.dhl.exchanges[-1].query
    assert _barcodes(printed) == [number.encode()] and b"^MU" not in printed


async def test_600_dpi_zebra_gets_dhls_zpl_converted_by_the_printer(db, box, emu, contract, zebra):
    number, printed = await _printed(db, box, emu, contract, zebra, 600)
    assert "docFormat=ZPL2" in emu.dhl.exchanges[-1].query
    formats = re.findall(rb"\^XA(.{0,14})", printed)
    assert formats and all(f.startswith(b"^MUd,200,600") for f in formats)
    assert _barcodes(printed) == [number.encode()] and b"^GF" not in printed


async def test_300_dpi_zebra_gets_dhls_pdf_rasterised_at_300_dpi(db, box, emu, contract, zebra):
    from zebrafy import ZebrafyZPL

    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg (zbar-tools) is not installed")
    number, printed = await _printed(db, box, emu, contract, zebra, 300)
    query = emu.dhl.exchanges[-1].query
    assert "docFormat=PDF" in query and "printFormat=910-300-600" in query
    assert b"^GF" in printed and not _barcodes(printed)
    [image] = ZebrafyZPL(printed.decode("ascii"), dpi=300).to_images()
    width, height = image.size  # 1:1 at 300 dpi; ^GF rows are whole bytes (8 dots)
    assert 0 <= width - round(103 / 25.4 * 300) < 8 and abs(height - 199 / 25.4 * 300) <= 1
    assert number in _scanned(image)
