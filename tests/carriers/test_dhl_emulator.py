"""DHL Parcel DE over real HTTP against the emulator; every exchange held against DHL's spec
(the `dhl` fixture checks them all when the test ends)."""

from __future__ import annotations

import base64
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import aiohttp
import pytest

from core.carriers.dhl.carrier import DhlCarrier
from core.carriers.dhl.client import DhlClient, DhlRefused
from core.carriers.tracking import validate_tracking
from core.domain.orders import Address, Buyer, Channel, Order, OrderLine
from core.errors import UserInputError
from core.ports import Label, LabelRequest

pytestmark = pytest.mark.network

SHIP_FROM = {
    "name": "Muster GmbH",
    "line1": "Hafenstraße 1",
    "postcode": "20457",
    "city": "Hamburg",
    "country": "DE",
    "email": "lager@example.com",
}
BERLIN = Address(name="Jürgen Groß", line1="Hauptstraße 5", postcode="10115", city="Berlin",
                 country="DE")  # fmt: skip
ZURICH = Address(name="Heidi Meier", line1="Bahnhofstrasse 21", postcode="8001", city="Zürich",
                 country="CH")  # fmt: skip


def request(to: Address = BERLIN, weight_g: int = 1200, ref: str = "1", **kw) -> LabelRequest:
    order = Order(
        account_id=1,
        external_id="302-1234567-1234567",
        marketplace_id="A1PA6795UKMFR9",
        channel=Channel.MFN,
        purchased_at=datetime(2026, 11, 30, tzinfo=UTC),
        currency="EUR",
        buyer=Buyer(name=to.name, email="buyer@marketplace.amazon.de"),
        ship_to=to,
        lines=[
            OrderLine("it-1", "MUG", "Tasse Steingut", 2, Decimal("12.50"), Decimal("19")),
            OrderLine("it-2", "TEA", "Tee 100 g", 1, Decimal("6.90"), Decimal("7")),
        ],
    )
    return LabelRequest(order, ref, [("it-1", 2), ("it-2", 1)], weight_g, ship_from=SHIP_FROM,
                        **kw)  # fmt: skip


def zbar(pdf: bytes) -> list[str]:
    """The barcodes a scanner reads off the first page (rendered at 200 dpi)."""
    import io

    import pypdfium2

    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg (zbar-tools) is not installed")
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=200 / 72).to_pil()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    out = subprocess.run(["zbarimg", "-q", "--raw", "-"], input=buf.getvalue(),
                         capture_output=True, check=False)  # fmt: skip
    return out.stdout.decode().split()


async def test_domestic_parcel_pdf_label_scans_to_a_dhl_number(dhl: DhlCarrier, emu):
    label = await dhl.create_label(request())
    assert validate_tracking("dhl", label.tracking_number) == label.tracking_number
    assert (label.carrier_code, label.shipping_method, label.format) == ("DHL", "DHL Paket", "pdf")
    assert zbar(label.data) == [label.tracking_number]
    sent = emu.dhl.shipments[label.tracking_number].body
    assert sent["product"] == "V01PAK" and sent["billingNumber"] == emu.dhl.ekp + "0101"
    assert (sent["consignee"]["addressStreet"], sent["consignee"]["addressHouse"]) == (
        "Hauptstraße", "5")  # fmt: skip
    assert "customs" not in sent


async def test_warenpost_when_light_and_zpl_for_a_203_dpi_zebra(dhl: DhlCarrier, emu):
    carrier = DhlCarrier(replace(dhl.settings, warenpost_up_to_g=1000), dhl._session,
                         label_media=lambda station: ("zpl", 203))  # fmt: skip
    label = await carrier.create_label(request(weight_g=400, station="desk-1"))
    assert label.shipping_method == "DHL Warenpost" and label.format == "zpl"
    assert label.data.startswith(b"^XA") and f"^FD{label.tracking_number}^FS".encode() in label.data
    assert emu.dhl.shipments[label.tracking_number].body["billingNumber"][10:12] == "62"
    # a 300 dpi printer gets a PDF, which the printer layer rasterises at its own dpi
    hi = DhlCarrier(dhl.settings, dhl._session, label_media=lambda s: ("zpl", 300),
                    print_format_for=lambda s: "910-300-400")  # fmt: skip
    pdf = await hi.create_label(request(station="desk-2"))
    assert pdf.format == "pdf"
    import io

    from pypdf import PdfReader

    box = PdfReader(io.BytesIO(pdf.data)).pages[0].mediabox  # 103 × 150 mm, in points
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (103, 150)
    assert "printFormat=910-300-400" in emu.dhl.exchanges[-1].query


async def test_two_parcels_of_one_order_two_numbers(dhl: DhlCarrier, emu):
    first = await dhl.create_label(request(ref="1", weight_g=2000))
    second = await dhl.create_label(request(ref="2", weight_g=3000))
    assert first.tracking_number != second.tracking_number
    refs = {
        emu.dhl.shipments[n].body["refNo"] for n in (first.tracking_number, second.tracking_number)
    }
    assert refs == {"PD-302-1234567-1234567-1", "PD-302-1234567-1234567-2"}


async def test_international_parcel_carries_a_cn23_from_the_articles(dhl: DhlCarrier, emu):
    articles = {"MUG": {"weight_g": 400, "hs_code": "691200", "origin": "DE"},
                "TEA": {"weight_g": 100, "hs_code": "090240", "origin": "CN"}}  # fmt: skip
    label = await dhl.create_label(request(to=ZURICH, articles=articles))
    sent = emu.dhl.shipments[label.tracking_number].body
    assert sent["product"] == "V53WPAK" and sent["consignee"]["country"] == "CHE"
    items = sent["customs"]["items"]
    assert [(i["hsCode"], i["countryOfOrigin"], i["packagedQuantity"]) for i in items] == [
        ("691200", "DEU", 2), ("090240", "CHN", 1)]  # fmt: skip
    assert items[0]["itemValue"] == {"currency": "EUR", "value": 12.5}
    assert items[0]["itemWeight"] == {"uom": "g", "value": 400}


async def test_international_parcel_without_hs_code_names_the_article(dhl: DhlCarrier, emu):
    with pytest.raises(UserInputError, match="TEA \\(HS code\\)"):
        await dhl.create_label(request(to=ZURICH, articles={"MUG": {"hs_code": "691200"}}))
    assert not emu.dhl.shipments


async def test_rejected_address_is_said_in_words(dhl: DhlCarrier, emu):
    bad = replace(BERLIN, postcode="1011")
    with pytest.raises(DhlRefused) as refused:
        await dhl.create_label(request(to=bad))
    assert "consignee.postalCode: The postal code '1011' is not valid for DEU" in str(refused.value)
    with pytest.raises(DhlRefused, match="DHL Warenpost takes at most 1 kg"):
        await dhl.create_label(request(weight_g=1500, services={"product": "V62WP"}))
    with pytest.raises(UserInputError, match="split it into two parcels"):
        await dhl.create_label(request(weight_g=40_000))  # refused before DHL sees it
    assert not emu.dhl.shipments


async def test_billing_number_must_fit_the_product(dhl: DhlCarrier, emu):
    wrong = DhlCarrier(replace(dhl.settings, ekp="1234567890"), dhl._session)
    with pytest.raises(DhlRefused, match="does not belong to this customer"):
        await wrong.create_label(request())


async def test_cancel_before_closeout_then_closeout(dhl: DhlCarrier, emu):
    keep = await dhl.create_label(request(ref="1"))
    void = await dhl.create_label(request(ref="2"))
    await dhl.cancel_label(void)
    assert emu.dhl.shipments[void.tracking_number].cancelled
    assert await dhl.closeout() == [keep.tracking_number]
    assert emu.dhl.shipments[keep.tracking_number].manifested
    with pytest.raises(DhlRefused, match="already closed out"):
        await dhl.cancel_label(keep)
    with pytest.raises(DhlRefused):
        await dhl.cancel_label(Label("00340434161094015902", "DHL", "DHL", "", "pdf", b""))


async def test_validate_only_stores_nothing(dhl: DhlCarrier, emu):
    [item] = await dhl.check(request())
    assert item["sstatus"]["statusCode"] == 200 and "shipmentNo" not in item
    assert not emu.dhl.shipments


async def test_oauth_password_grant_and_wrong_password(dhl: DhlCarrier, emu):
    oauth = DhlCarrier(replace(dhl.settings, auth="oauth"), dhl._session)
    assert (await oauth.create_label(request())).tracking_number in emu.dhl.shipments
    async with aiohttp.ClientSession() as session:
        client = DhlClient(session, replace(dhl.settings, password="wrong"))
        with pytest.raises(UserInputError, match="refused the API key, user or password"):
            await client.create_orders([dhl.shipment_for(request())])


def test_label_pdf_is_base64_in_the_answer(emu):
    # the spec's Document: b64 for PDF, zpl2 for ZPL — checked by the contract on every exchange
    assert base64.b64decode(base64.b64encode(b"%PDF")) == b"%PDF"


async def test_services_and_a_return_label_in_the_parcel(dhl: DhlCarrier, emu):
    carrier = DhlCarrier(replace(dhl.settings, return_label=True), dhl._session)
    services = {"preferredNeighbour": "Nachbar Nr. 7", "visualCheckOfAge": "A18",
                "namedPersonOnly": True, "preferredLocation": "Garage"}  # fmt: skip
    label = await carrier.create_label(request(services=services))
    sent = emu.dhl.shipments[label.tracking_number].body["services"]
    assert {k: sent[k] for k in services} == services
    assert sent["dhlRetoure"]["billingNumber"] == emu.dhl.ekp + "0701"
    import io

    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(label.data)).pages) == 2  # label, then the return label
    returns = [e for e in emu.dhl.exchanges if b"returnShipmentNo" in e.answer]
    assert len(returns) == 1


async def test_emulator_wants_customs_outside_the_eu(dhl: DhlCarrier, emu):
    body = dhl.shipment_for(request(to=ZURICH, articles={"MUG": {"hs_code": "691200"},
                                                          "TEA": {"hs_code": "090240"}}))  # fmt: skip
    del body["customs"]
    async with aiohttp.ClientSession() as session:
        with pytest.raises(DhlRefused, match="Customs data \\(CN23\\) is required outside the EU"):
            await DhlClient(session, dhl.settings).create_orders([body])


async def test_closeout_at_the_configured_time_once_a_day(dhl: DhlCarrier, emu, box):
    from core.carriers.closeout import run_due_closeouts
    from core.persistence.models import CarrierAccountRow

    row = await CarrierAccountRow.get(name="dhl")
    await CarrierAccountRow.filter(id=row.id).update(
        settings={**row.settings, "closeout_at": "18:00"}
    )
    label = await dhl.create_label(request())
    day = datetime(2026, 12, 1, 17, 59).astimezone()
    assert await run_due_closeouts(box, day) == {}
    assert not emu.dhl.shipments[label.tracking_number].manifested
    assert await run_due_closeouts(box, day.replace(hour=18, minute=1)) == {"dhl": 1}
    assert emu.dhl.shipments[label.tracking_number].manifested
    calls = len(emu.dhl.exchanges)
    assert await run_due_closeouts(box, day.replace(hour=21)) == {}  # once a day
    assert len(emu.dhl.exchanges) == calls
