"""The defect of issue 16: a profile naming DHL made the label job die and the order stay packed.

Production composes its outbox in console/wiring.py; this drives exactly that composition."""

from __future__ import annotations

import pytest

from console.wiring import outbox_handlers
from core.carriers.tracking import validate_tracking
from core.config import Settings
from core.documents.sealing import open_blob
from core.persistence.models import (
    ArticleRow,
    FulfilmentProfileRow,
    OrderRow,
    OutboxJobRow,
    PackageRow,
)
from core.services.completion import PackedBox
from core.services.outbox import OutboxRunner
from tests.amazon.support import SpoolFake
from tests.core.test_completion import COMPANY, _claimed, _complete, _lines

pytestmark = pytest.mark.network


SETTINGS = Settings(company=COMPANY)


async def _label_jobs_run(box) -> None:
    handlers = outbox_handlers(SETTINGS, box, {}, SpoolFake())
    runner = OutboxRunner({"label.buy": handlers["label.buy"]}, base_delay_s=0.01)
    await runner.drain()


async def test_profile_naming_dhl_gets_a_dhl_label_and_the_order_ships(db, box, dhl, emu):
    order_id = await _claimed(box, carrier="dhl")
    ids = await _lines(order_id)
    await _complete(box, order_id, PackedBox({ids["MUG"]: 2, ids["TEA"]: 1}, weight_g=1200))
    await _label_jobs_run(box)

    [job] = await OutboxJobRow.filter(kind="label.buy")
    assert job.status == "done", job.last_error
    [package] = await PackageRow.all()
    assert validate_tracking("dhl", package.tracking_number) == package.tracking_number
    assert package.carrier_code == "DHL" and package.label_format == "pdf"
    assert not bytes(package.label).startswith(b"%PDF")  # sealed at rest: it shows the address
    assert open_blob(bytes(package.label), box).startswith(b"%PDF")
    assert list(emu.dhl.shipments) == [package.tracking_number]
    assert (await OrderRow.get(id=order_id)).status == "shipped"


async def test_profile_naming_an_unset_up_carrier_is_refused_when_saved(db, box):
    from core.carriers.directory import check_profile
    from core.errors import UserInputError

    with pytest.raises(UserInputError, match="dhl is not set up"):
        await check_profile("MFN", "dhl", {})
    with pytest.raises(UserInputError, match="gls is not set up"):
        await check_profile(
            "MFN", "manual", {"carriers": [{"carrier": "gls", "countries": ["AT"]}]}
        )
    await check_profile("MFN", "amazon_buy_shipping", {})
    assert await FulfilmentProfileRow.all().count() == 0


async def test_parcel_weight_is_articles_plus_box_and_missing_weights_are_named(db, box):
    from core.carriers.weights import packaging_g, parcel_weight
    from core.config import PackagingSettings
    from core.persistence.models import ArticleRow

    order_id = await _claimed(box, lines=(("MUG", 2), ("TEA", 1)))
    ids = await _lines(order_id)
    await ArticleRow.filter(sku="MUG").update(weight_g=350)
    await ArticleRow.filter(sku="TEA").update(weight_g=0)
    box_g = packaging_g(PackagingSettings(boxes={"S": 120, "M": 260}, default_box="S"))
    weight = await parcel_weight({ids["MUG"]: 2, ids["TEA"]: 1}, box_g)
    assert not weight.known and weight.missing == ("TEA",) and weight.grams == 0
    assert "No weight for article(s) TEA" in weight.sentence()
    await ArticleRow.filter(sku="TEA").update(weight_g=110)
    weight = await parcel_weight({ids["MUG"]: 2, ids["TEA"]: 1}, box_g)
    assert (weight.grams, weight.articles_g, weight.packaging_g) == (930, 810, 120)


async def test_label_job_names_the_article_without_weight_instead_of_guessing(db, box, dhl, emu):
    from core.persistence.models import ArticleRow

    order_id = await _claimed(box, carrier="dhl")
    await ArticleRow.filter(sku="MUG").update(weight_g=350)
    await ArticleRow.filter(sku="TEA").update(weight_g=0)
    ids = await _lines(order_id)
    await _complete(box, order_id, PackedBox({ids["MUG"]: 2, ids["TEA"]: 1}))  # no desk weight
    await _label_jobs_run(box)
    [job] = await OutboxJobRow.filter(kind="label.buy")
    assert job.status == "dead" and "No weight for article(s) TEA" in job.last_error
    assert not emu.dhl.shipments
    await ArticleRow.filter(sku="TEA").update(weight_g=100)
    await OutboxJobRow.filter(id=job.id).update(status="pending", attempts=0)
    await _label_jobs_run(box)
    assert (await OutboxJobRow.get(id=job.id)).status == "done"
    [shipment] = emu.dhl.shipments.values()
    assert shipment.body["details"]["weight"] == {"uom": "g", "value": 2 * 350 + 100}


async def test_rejected_address_is_said_at_the_desk_and_the_order_waits(db, box, dhl, emu):
    from dataclasses import replace

    from console.backend import StationBackend
    from core.domain.orders import Address
    from core.persistence.models import ArticleRow
    from core.services.claim import claim_order
    from core.services.intake import upsert_orders
    from core.services.setup import ensure_basics
    from tests.support.factories import make_account, make_article, make_order

    await ensure_basics("desk-1")
    acc = await make_account()
    await FulfilmentProfileRow.filter(channel="MFN").update(carrier="dhl")
    await make_article("MUG", 1, account_id=acc, on_hand=10)
    await ArticleRow.filter(sku="MUG").update(weight_g=350)
    typo = Address(name="Jürgen Groß", line1="Hauptstraße 5", postcode="1011", city="Berlin",
                   country="DE")  # fmt: skip
    order = replace(make_order("302-9", account_id=acc, lines=[("MUG", 1)]), ship_to=typo)
    await upsert_orders(acc, [order], box)
    order_id = (await OrderRow.get(external_id="302-9")).id
    await claim_order(order_id, "desk-1", "anna")
    desk = StationBackend(SETTINGS, box)
    line = (await _lines(order_id))["MUG"]
    await desk.complete(order_id, [{line: 1}], "anna")
    await _label_jobs_run(box)

    label = next(p for p in await desk.progress(order_id) if p.kind == "label.buy")
    assert label.status == "dead"
    assert "DHL refused the label: consignee.postalCode: The postal code '1011' is not valid" in (
        label.error
    )
    assert "Traceback" not in label.error
    assert (await OrderRow.get(id=order_id)).status == "packed"  # waits for a corrected address
    assert not emu.dhl.shipments


async def test_a_dhl_label_is_cancelled_at_dhl_and_the_package_waits_again(db, box, dhl, emu):
    from core.carriers.directory import carrier_for_package
    from core.carriers.packages import cancel_label

    order_id = await _claimed(box, carrier="dhl")
    ids = await _lines(order_id)
    await _complete(box, order_id, PackedBox({ids["MUG"]: 2, ids["TEA"]: 1}, weight_g=900))
    await _label_jobs_run(box)
    [package] = await PackageRow.all()
    number = package.tracking_number
    result = await cancel_label(package.id, await carrier_for_package(package, box), actor="anna")
    assert result.tracking_number == number and result.order_status == "packed"
    assert emu.dhl.shipments[number].cancelled
    assert (await PackageRow.get(id=package.id)).tracking_number == ""


async def test_article_shipping_facts_are_checked(db, box):
    from core.carriers.article_facts import set_shipping_facts
    from core.errors import UserInputError

    await _claimed(box)
    row = await set_shipping_facts("MUG", weight_g=350, hs_code="6912.00", origin="cn")
    assert (row.weight_g, row.hs_code, row.origin_country) == (350, "691200", "CN")
    with pytest.raises(UserInputError, match="6 to 11 digits"):
        await set_shipping_facts("MUG", hs_code="69")
    with pytest.raises(UserInputError, match="two-letter country"):
        await set_shipping_facts("MUG", origin="Germany")


async def test_a_profile_rule_picks_dhl_by_country_with_its_services(db, box, dhl, emu):
    order_id = await _claimed(box, carrier="manual")
    await FulfilmentProfileRow.filter(channel="MFN").update(
        carrier="amazon_buy_shipping",
        options={"carriers": [
            {"carrier": "dhl", "countries": ["AT"], "services": {"premium": True}},
            {"carrier": "dhl", "countries": ["DE"], "max_weight_g": 31500,
             "services": {"preferredNeighbour": "Nachbar Nr. 7", "visualCheckOfAge": "A18"}},
        ]},
    )  # fmt: skip
    ids = await _lines(order_id)
    await _complete(box, order_id, PackedBox({ids["MUG"]: 2, ids["TEA"]: 1}, weight_g=1100))
    [job] = await OutboxJobRow.filter(kind="label.buy")
    assert job.payload["carrier"] == "dhl"
    await _label_jobs_run(box)
    [shipment] = emu.dhl.shipments.values()
    services = shipment.body["services"]
    assert services == {"preferredNeighbour": "Nachbar Nr. 7", "visualCheckOfAge": "A18"}


async def test_each_parcels_weight_reaches_dhls_request(db, box, dhl, emu):
    """The desk's weight of a parcel (as packed or corrected there) is the weight DHL is told;
    a parcel without one goes with its articles' weights plus its box."""
    from core.config import PackagingSettings

    order_id = await _claimed(box, carrier="dhl")
    ids = await _lines(order_id)
    await ArticleRow.filter(sku="TEA").update(weight_g=250)
    await _complete(box, order_id, PackedBox({ids["MUG"]: 2}, weight_g=1234),
                    PackedBox({ids["TEA"]: 1}))  # fmt: skip
    settings = Settings(company=COMPANY,
                        packaging=PackagingSettings(boxes={"S": 90}, default_box="S"))  # fmt: skip
    handlers = outbox_handlers(settings, box, {}, SpoolFake())
    await OutboxRunner({"label.buy": handlers["label.buy"]}, base_delay_s=0.01).drain()

    packages = await PackageRow.filter(shipment__order_id=order_id).order_by("id")
    told = [emu.dhl.shipments[p.tracking_number].body["details"]["weight"] for p in packages]
    assert told == [{"uom": "g", "value": 1234}, {"uom": "g", "value": 250 + 90}]
