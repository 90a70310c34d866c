"""Personal data: sealed at rest, purged after the keeping time, documents stay."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from core.domain.orders import Channel
from core.persistence.models import DocumentRow, OrderRow
from core.persistence.repositories import load_order
from core.security import SecretBox, SecretsError
from core.services.intake import upsert_orders
from core.services.keys import open_guarded_box
from core.services.purge import purge_personal_data
from tests.support.factories import make_account, make_order


async def test_buyer_data_is_not_readable_in_the_raw_database_file(sqlite_db, box):
    acc = await make_account()
    await upsert_orders(acc, [make_order("P-1", account_id=acc, buyer_name="Łukasz Wójcik")], box)
    path = sqlite_db.removeprefix("sqlite://")
    raw = b""
    with sqlite3.connect(path) as con:  # read the file behind the ORM's back, WAL included
        for row in con.execute('SELECT * FROM "order"'):
            raw += repr(row).encode()
    for secret in ("Łukasz", "Wójcik", "Hauptstraße", "P-1@marketplace", "+49 30"):
        assert secret.encode() not in raw and secret not in raw.decode("unicode_escape", "ignore")
    assert (await load_order((await OrderRow.get(external_id="P-1")).id, box)).buyer.name == (
        "Łukasz Wójcik"
    )


async def test_wrong_key_gives_a_clear_error(db, box):
    acc = await make_account()
    await upsert_orders(acc, [make_order("P-2", account_id=acc)], box)
    other = SecretBox(SecretBox.generate_key())
    with pytest.raises(SecretsError, match="PACKDESK_SECRET_KEY"):
        await load_order((await OrderRow.get(external_id="P-2")).id, other)


async def test_key_file_is_created_owner_only(db, tmp_path):
    await open_guarded_box(tmp_path, environ={})
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600
    (tmp_path / "secret.key").chmod(0o644)
    with pytest.raises(SecretsError, match="chmod 600"):
        await open_guarded_box(tmp_path, environ={})


async def test_purge_removes_personal_data_and_keeps_documents(db, box):
    acc = await make_account()
    now = datetime(2026, 11, 26, tzinfo=UTC)
    await upsert_orders(
        acc,
        [
            make_order("OLD", account_id=acc, channel=Channel.AFN, channel_status="Shipped"),
            make_order("NEW", account_id=acc),
        ],
        box,
    )
    old = await OrderRow.get(external_id="OLD")
    await OrderRow.filter(id=old.id).update(status="done", delivered_at=now - timedelta(days=31))
    await OrderRow.filter(external_id="NEW").update(delivered_at=now - timedelta(days=29))
    await DocumentRow.create(
        kind="invoice",
        number="RE-1",
        order_id=old.id,
        issued_at=now,
        content={"buyer": {"name": "Jürgen Groß"}},
    )
    preview = await purge_personal_data(30, dry_run=True, now=now)
    assert preview.order_ids == [old.id]
    assert (await OrderRow.get(id=old.id)).personal_sealed != ""
    result = await purge_personal_data(30, now=now)
    assert result.orders == 1
    purged = await load_order(old.id, box)
    assert purged.personal_data_purged and purged.buyer.name == "" and purged.ship_to.city == ""
    assert (await load_order((await OrderRow.get(external_id="NEW")).id, box)).buyer.name
    doc = await DocumentRow.get(number="RE-1")
    assert doc.content["buyer"]["name"] == "Jürgen Groß"  # issued documents are kept
    assert (await purge_personal_data(30, now=now)).orders == 0


async def test_orders_can_be_found_by_buyer_name_without_storing_it(db, box):
    from core.services.queries import list_orders

    acc = await make_account()
    await upsert_orders(
        acc,
        [make_order("N-1", account_id=acc, buyer_name="Łukasz Wójcik"),
         make_order("N-2", account_id=acc, buyer_name="Jürgen Groß")],
        box,
    )  # fmt: skip
    found = await list_orders(search="wojcik", box=box)
    assert [o.external_id for o in found] == ["N-1"]
    assert [o.external_id for o in await list_orders(search="Jürgen GROSS", box=box)] == ["N-2"]
    assert await list_orders(search="wojcik") == []  # without the key there is nothing to match
    row = await OrderRow.get(external_id="N-1")
    assert "ojcik" not in row.buyer_tokens.lower() and row.buyer_tokens.strip()
    await OrderRow.filter(id=row.id).update(
        status="done", delivered_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    await purge_personal_data(30)
    assert await list_orders(search="wojcik", box=box) == []
