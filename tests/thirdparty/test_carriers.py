"""Choosing a carrier per profile and weight; recording and cancelling labels after packing."""

from __future__ import annotations

import pytest

from core.carriers.manual import ManualCarrier, TrackingNeeded
from core.carriers.packages import cancel_label, record_tracking
from core.carriers.registry import CarrierRegistry, choose_carrier
from core.errors import ConflictError, UserInputError
from core.persistence.models import (
    FulfilmentProfileRow,
    OrderLineRow,
    OrderRow,
    OutboxJobRow,
    PackageRow,
)
from core.ports import Label, LabelRequest
from core.services.claim import claim_order
from core.services.completion import PackedBox, complete_packing
from core.services.intake import upsert_orders
from core.services.setup import ensure_basics
from tests.support.factories import make_account, make_article, make_order
from tests.thirdparty.conftest import COMPANY, DHL_1, DHL_2

RULES = {
    "carriers": [
        {"max_weight_g": 1000, "carrier": "deutsche_post"},
        {"max_weight_g": 31500, "carrier": "dhl"},
    ]
}


class FakeCarrier:
    def __init__(self, code: str) -> None:
        self.code = code
        self.made: list[str] = []
        self.cancelled: list[str] = []

    async def create_label(self, request: LabelRequest) -> Label:
        self.made.append(request.package_reference)
        return Label(
            "T" + request.package_reference, self.code, self.code, "", "pdf", b"%PDF", "ref-1"
        )

    async def cancel_label(self, label: Label) -> None:
        self.cancelled.append(label.reference)


@pytest.mark.parametrize(
    ("weight", "carrier"),
    [(0, "deutsche_post"), (1000, "deutsche_post"), (1001, "dhl"), (40000, "ups")],
)
def test_weight_rules(weight, carrier):
    assert choose_carrier("ups", RULES, weight) == carrier


def test_bad_rules_name_the_key():
    with pytest.raises(UserInputError, match=r"options.carriers\[0\].max_weight_g"):
        choose_carrier("dhl", {"carriers": [{"carrier": "dhl", "max_weight_g": "heavy"}]}, 5)
    with pytest.raises(UserInputError, match="No carrier 'teleport'"):
        CarrierRegistry().get("teleport")


async def test_registry_routes_by_weight_and_falls_back_to_manual():
    heavy = FakeCarrier("dhl")
    registry = CarrierRegistry([heavy])
    carrier = registry.for_profile("ups", RULES)
    order = make_order("302-1", account_id=1)
    label = await carrier.create_label(LabelRequest(order, "1", [("302-1-1", 1)], 5000))
    assert label.carrier_code == "dhl" and heavy.made == ["1"]
    with pytest.raises(TrackingNeeded, match="Deutsche Post tracking number"):
        await carrier.create_label(LabelRequest(order, "2", [("302-1-1", 1)], 200))
    assert isinstance(registry.get("gls"), ManualCarrier)


async def _packed_order(box) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """An MFN order packed into one box whose label is still to come (carrier dhl)."""
    await ensure_basics("desk-1")
    acc = await make_account()
    await FulfilmentProfileRow.filter(channel="MFN").update(carrier="dhl", email_invoice=True)
    await make_article("MUG", 1, account_id=acc)
    await upsert_orders(acc, [make_order("302-7", account_id=acc, lines=[("MUG", 2)])], box)
    order_id = (await OrderRow.get(external_id="302-7")).id
    await claim_order(order_id, "desk-1", "anna")
    [line] = await OrderLineRow.filter(order_id=order_id)
    result = await complete_packing(
        order_id,
        [PackedBox({line.id: 2})],
        station="desk-1",
        packer="anna",
        company=COMPANY,
        box=box,
    )
    return order_id, result.package_ids[0]


async def test_scanned_tracking_is_validated_then_ships(db, box):
    order_id, package_id = await _packed_order(box)
    assert (await OrderRow.get(id=order_id)).status == "packed"
    with pytest.raises(UserInputError, match="wrong check digit"):
        await record_tracking(package_id, DHL_1[:-1] + "0", actor="anna")
    keys = await record_tracking(package_id, DHL_1, actor="anna", station="desk-1")
    assert f"amazon.confirm_shipment:{package_id}" in keys
    package = await PackageRow.get(id=package_id)
    assert (package.carrier_code, package.tracking_number) == ("DHL", DHL_1)
    assert (await OrderRow.get(id=order_id)).status == "shipped"


async def test_cancel_before_confirmation_then_new_number(db, box):
    order_id, package_id = await _packed_order(box)
    await record_tracking(package_id, DHL_1, actor="anna")
    carrier = FakeCarrier("dhl")
    result = await cancel_label(package_id, carrier, actor="anna")
    assert carrier.cancelled == [""] and result.order_status == "packed"
    assert f"amazon.confirm_shipment:{package_id}" in result.withdrawn_jobs
    assert (await PackageRow.get(id=package_id)).tracking_number == ""
    assert not await OutboxJobRow.filter(kind="amazon.confirm_shipment").exists()
    await record_tracking(package_id, DHL_2, actor="anna")
    job = await OutboxJobRow.get(key=f"amazon.confirm_shipment:{package_id}")
    assert job.status == "pending"
    assert (await OrderRow.get(id=order_id)).status == "shipped"


async def test_no_cancel_after_confirmation(db, box):
    _, package_id = await _packed_order(box)
    await record_tracking(package_id, DHL_1, actor="anna")
    await OutboxJobRow.filter(key=f"amazon.confirm_shipment:{package_id}").update(status="done")
    carrier = FakeCarrier("dhl")
    with pytest.raises(ConflictError, match="already confirmed"):
        await cancel_label(package_id, carrier, actor="anna")
    assert carrier.cancelled == []
