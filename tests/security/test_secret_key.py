"""The key guard: a station never seals with a key other than the database's, and never makes one up."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.documents.sealing import seal_content, seal_pdf
from core.persistence.models import DocumentRow, OrderRow, SecretKeyRow
from core.persistence.repositories import load_order
from core.security import KEY_FILE, SecretBox, SecretsError
from core.services.intake import upsert_orders
from core.services.keys import KeyMismatchError, open_guarded_box
from core.services.queries import list_orders
from core.services.sealed import check_sealed, rotate
from tests.support.factories import make_account, make_order


async def _sealed_order(box: SecretBox, ref: str = "K-1") -> int:
    acc = await make_account()
    await upsert_orders(acc, [make_order(ref, account_id=acc, buyer_name="Jürgen Groß")], box)
    return (await OrderRow.get(external_id=ref)).id


async def test_missing_key_with_sealed_data_refuses_and_creates_none(db, tmp_path):
    station = tmp_path / "desk-1"
    box = await open_guarded_box(station, environ={})
    assert (station / KEY_FILE).stat().st_mode & 0o777 == 0o600
    await _sealed_order(box)
    (station / KEY_FILE).unlink()
    with pytest.raises(KeyMismatchError) as refused:
        await open_guarded_box(station, environ={})
    message = str(refused.value)
    assert box.fingerprint in message and "PACKDESK_SECRET_KEY" in message
    assert str(station / KEY_FILE) in message
    assert not (station / KEY_FILE).exists()


async def test_second_station_with_another_key_refuses(db, tmp_path):
    first = await open_guarded_box(tmp_path / "desk-1", environ={})
    await _sealed_order(first)
    other_key = SecretBox.generate_key().decode()
    with pytest.raises(KeyMismatchError, match=first.fingerprint):
        await open_guarded_box(tmp_path / "desk-2", environ={"PACKDESK_SECRET_KEY": other_key})
    # A second station without any key refuses too, rather than creating one.
    with pytest.raises(KeyMismatchError, match="No secret key found"):
        await open_guarded_box(tmp_path / "desk-3", environ={})
    assert not (tmp_path / "desk-3" / KEY_FILE).exists()
    # With the first station's key (copied file) it starts.
    copied = (tmp_path / "desk-1" / KEY_FILE).read_text().strip()
    second = await open_guarded_box(tmp_path / "desk-2", environ={"PACKDESK_SECRET_KEY": copied})
    assert second.fingerprint == first.fingerprint


async def test_database_from_before_fingerprints_adopts_only_the_key_that_opens_it(db, tmp_path):
    key = SecretBox.generate_key()
    await _sealed_order(SecretBox(key))  # sealed, but no fingerprint recorded (older version)
    with pytest.raises(KeyMismatchError, match="does not open"):
        await open_guarded_box(tmp_path, environ={"PACKDESK_SECRET_KEY": "x" * 43 + "="})
    with pytest.raises(KeyMismatchError, match="No secret key found"):
        await open_guarded_box(tmp_path, environ={})
    assert await SecretKeyRow.all().count() == 0
    box = await open_guarded_box(tmp_path, environ={"PACKDESK_SECRET_KEY": key.decode()})
    assert (await SecretKeyRow.get(id=1)).fingerprint == box.fingerprint


async def test_rotate_reseals_everything_and_search_still_finds_the_buyer(db, box, tmp_path):
    order_id = await _sealed_order(box)
    content = seal_content({"buyer": {"name": "Jürgen Groß"}, "total": "1.00"}, box)
    await DocumentRow.create(
        kind="invoice", number="RE-1", order_id=order_id, issued_at=datetime.now(UTC),
        content=content, pdf=seal_pdf("%PDF-1.7 Jürgen".encode(), box),
    )  # fmt: skip
    new = SecretBox(SecretBox.generate_key())
    counts = await rotate(box, new)
    assert counts["order.personal_sealed"] == 1 and counts["document.pdf"] == 1
    assert (await check_sealed(new)).ok
    old_check = await check_sealed(box)
    assert not old_check.ok and old_check.failed["document.content"]
    assert (await SecretKeyRow.get(id=1)).fingerprint == new.fingerprint
    assert (await load_order(order_id, new)).buyer.name == "Jürgen Groß"
    with pytest.raises(SecretsError):
        await load_order(order_id, box)
    found = await list_orders(search="Groß", box=new)
    assert [o.external_id for o in found] == ["K-1"]


async def test_a_rotation_interrupted_after_commit_is_finished_at_the_next_start(db, tmp_path):
    old = await open_guarded_box(tmp_path, environ={})
    order_id = await _sealed_order(old)
    new_key = SecretBox.generate_key()
    SecretBox.write_key_file(tmp_path / "secret.key.new", new_key)  # what `secrets rotate` writes
    await rotate(old, SecretBox(new_key))  # … committed, then the process died before the swap
    box = await open_guarded_box(tmp_path, environ={})
    assert box.fingerprint == SecretBox(new_key).fingerprint
    assert (tmp_path / "secret.key").read_bytes().strip() == new_key
    assert (tmp_path / f"secret.key.{old.fingerprint}.old").exists()
    assert (await load_order(order_id, box)).buyer.name == "Jürgen Groß"
