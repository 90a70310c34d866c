"""One DHL contract per seller: the order's Amazon account picks the contract (billing numbers,
user and password), the contract imported without `--account` serves every other seller, and an
order whose seller has none — while other sellers do — fails its label job naming the seller.

The emulator holds two DHL business customers (one partner API key, a user and an EKP each) and
books each shipment on the customer whose user sent it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.carriers.directory import carrier_for_package, contract_summaries, import_file
from core.carriers.packages import cancel_label
from core.persistence.models import (
    CarrierAccountRow,
    FulfilmentProfileRow,
    OrderRow,
    OutboxJobRow,
    PackageRow,
)
from core.services.claim import claim_order
from core.services.completion import PackedBox
from core.services.intake import upsert_orders
from core.services.setup import ensure_basics
from tests.carriers.test_cli import Shell
from tests.carriers.test_label_job import _label_jobs_run
from tests.core.test_completion import _complete, _lines
from tests.support.factories import make_account, make_article, make_order

pytestmark = pytest.mark.network


def _other_customer(emu: Any) -> dict[str, Any]:
    """The emulator's credentials file, for a second DHL customer (another seller's contract)."""
    return {"dhl": {**emu.credentials["dhl"], **emu.dhl.add_customer(2)}}


async def _two_sellers_packed(box: Any) -> dict[str, int]:
    """Sellers amazon-de and amazon-fr, one order each packed, their labels to come from DHL."""
    await ensure_basics("desk-1")
    orders = {}
    for n, seller in enumerate(("amazon-de", "amazon-fr"), start=1):
        acc = await make_account(seller)
        await make_article(f"MUG-{n}", n, account_id=acc, on_hand=10)
        await upsert_orders(acc, [make_order(f"302-{n}", account_id=acc,
                                             lines=[(f"MUG-{n}", 1)])], box)  # fmt: skip
        orders[seller] = (await OrderRow.get(external_id=f"302-{n}")).id
    await FulfilmentProfileRow.filter(channel="MFN").update(carrier="dhl")
    for order_id in orders.values():
        await claim_order(order_id, "desk-1", "anna")
        [line] = (await _lines(order_id)).values()
        await _complete(box, order_id, PackedBox({line: 1}, weight_g=800))
    return orders


async def _package(order_id: int) -> PackageRow:
    [package] = await PackageRow.filter(shipment__order_id=order_id)
    return package


async def test_each_seller_ships_on_its_own_dhl_contract(db, box, emu, contract):
    orders = await _two_sellers_packed(box)
    await import_file(emu.credentials, box, account="amazon-de")
    other = _other_customer(emu)
    await import_file(other, box)  # every seller without a contract of its own
    await _label_jobs_run(box)

    assert await OutboxJobRow.filter(kind="label.buy", status="done").count() == 2
    de, fr = [await _package(orders[s]) for s in ("amazon-de", "amazon-fr")]
    de_shipment = emu.dhl.shipments[de.tracking_number]
    fr_shipment = emu.dhl.shipments[fr.tracking_number]
    assert de_shipment.user == emu.dhl.username
    assert de_shipment.body["billingNumber"] == emu.dhl.ekp + "0101"
    assert fr_shipment.user == other["dhl"]["username"]
    assert fr_shipment.body["billingNumber"] == other["dhl"]["ekp"] + "0101"

    # cancelled on the contract that made it (DHL knows the number only to its own customer)
    carrier = await carrier_for_package(fr, box)
    await cancel_label(fr.id, carrier, actor="anna")
    assert fr_shipment.cancelled and not de_shipment.cancelled

    listed = {c["name"]: (c["code"], c["account"], c["ekp"]) for c in await contract_summaries()}
    assert listed == {"dhl-amazon-de": ("dhl", "amazon-de", emu.dhl.ekp),
                      "dhl": ("dhl", "", other["dhl"]["ekp"])}  # fmt: skip
    for exchange in emu.dhl.exchanges:
        contract.check(exchange)


async def test_an_order_whose_seller_has_no_dhl_contract_says_so(db, box, emu):
    orders = await _two_sellers_packed(box)
    await import_file(emu.credentials, box, account="amazon-de")  # and none for every seller
    await _label_jobs_run(box)

    de, fr = [await _package(orders[s]) for s in ("amazon-de", "amazon-fr")]
    assert de.tracking_number in emu.dhl.shipments and not fr.tracking_number
    [dead] = await OutboxJobRow.filter(kind="label.buy", status="dead")
    assert "seller amazon-fr has no dhl contract" in dead.last_error
    assert "carriers import FILE --account amazon-fr" in dead.last_error
    assert (await OrderRow.get(id=orders["amazon-fr"])).status == "packed"


async def test_import_for_an_unknown_seller_is_refused(db, box, emu):
    from core.errors import UserInputError

    await make_account("amazon-de")
    with pytest.raises(UserInputError, match=r"No Amazon account named 'amazon-xx' .*amazon-de"):
        await import_file(emu.credentials, box, account="amazon-xx")
    assert not await CarrierAccountRow.all().exists()


async def test_cli_imports_a_contract_for_one_seller(emu, tmp_path):
    sh = Shell(tmp_path)
    creds = tmp_path / "emulator.json"
    creds.write_text(json.dumps(emu.credentials))
    assert (await sh("init"))[0] == 0
    assert (await sh("accounts", "import", str(creds)))[0] == 0
    [seller] = [a["name"] for a in json.loads((await sh("accounts", "list", "--json"))[1])]
    code, out, err = await sh("carriers", "import", str(creds), "--account", seller)
    assert code == 0, err
    assert f"dhl-{seller} for seller {seller}" in out
    code, out, _ = await sh("carriers", "list", "--json")
    [row] = json.loads(out)
    assert (row["name"], row["code"], row["account"]) == (f"dhl-{seller}", "dhl", seller)
    code, _, err = await sh("carriers", "import", str(creds), "--account", "nobody")
    assert code == 2 and "No Amazon account named 'nobody'" in err and "Traceback" not in err
