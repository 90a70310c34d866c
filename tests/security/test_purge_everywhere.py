"""After `purge-personal-data` no buyer name is left anywhere: not in a file, a table or a sealed
value (issued invoices excepted, as tax law requires)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tortoise import Tortoise

from core.config import FolderPrinter, Settings, ThirdPartyProvider, ThirdPartySettings
from core.documents.sealing import open_blob, seal_blob, seal_content, seal_pdf
from core.persistence.models import (
    DocumentRow,
    OrderRow,
    OutboxJobRow,
    PackageRow,
    PrintJobRow,
    ShipmentRow,
)
from core.security import SecretBox
from core.services.intake import upsert_orders
from core.services.purge import purge_personal_data
from core.services.sealed import PLACES, _rows, _token
from tests.support.factories import make_account, make_order

NAME = "Zebulon Quaxley"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
OLD = NOW - timedelta(days=60)
ROOT = Path(__file__).resolve().parents[2]


def _settings(data: Path) -> Settings:
    return Settings(
        data_dir=data,
        printers={"paper": FolderPrinter(kind="folder", path=data / "printouts")},
        thirdparty=ThirdPartySettings(
            providers={"acme": ThirdPartyProvider(kind="folder", path=data / "acme")}
        ),
    )


def _old_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (OLD.timestamp(), OLD.timestamp()))


async def _everything_about_one_buyer(box: SecretBox, data: Path) -> int:
    acc = await make_account()
    await upsert_orders(acc, [make_order("P-OLD", account_id=acc, buyer_name=NAME)], box)
    order = await OrderRow.get(external_id="P-OLD")
    await OrderRow.filter(id=order.id).update(status="shipped", shipped_at=OLD, delivered_at=OLD)
    shipment = await ShipmentRow.create(order_id=order.id, station="desk-1", packer="anna")
    label = f"%PDF-1.4 label for {NAME}, Hauptstr. 1, Berlin".encode()
    await PackageRow.create(shipment_id=shipment.id, reference="P-OLD-1",
                            label=seal_blob(label, box), label_format="pdf")  # fmt: skip
    buyer = {"buyer": {"name": NAME}, "shipping_address": {"name": NAME}}
    for kind, number in (("delivery_note", "LS-1"), ("invoice", "RE-1")):
        await DocumentRow.create(
            kind=kind, number=number, order_id=order.id, issued_at=OLD,
            content=seal_content({**buyer, "number": number}, box),
            pdf=seal_pdf(f"%PDF-1.7 {kind} {NAME}".encode(), box),
        )  # fmt: skip
    job = await OutboxJobRow.create(kind="label.buy", key="label.buy:1", payload={"package_id": 1},
                                    status="done", due_at=OLD,
                                    last_error=f"address of {NAME} refused")  # fmt: skip
    await OutboxJobRow.filter(id=job.id).update(updated_at=OLD)
    spooled = await PrintJobRow.create(key="label:1", station="desk-1", printer="paper",
                                       kind="label", title="Label package P-OLD-1",
                                       content_type="application/pdf", due_at=OLD,
                                       payload=label, status="printed")  # fmt: skip
    await PrintJobRow.filter(id=spooled.id).update(created_at=OLD)
    _old_file(data / "printouts" / "desk-1" / "label-1.pdf", f"%PDF {NAME}")
    _old_file(data / "acme" / "orders" / "packdesk-order-P-OLD.xml", f"<name>{NAME}</name>")
    _old_file(data / "acme" / "tracking" / "done" / "t.xml", f"<recipient>{NAME}</recipient>")
    _old_file(data / "acme" / "tracking" / "error" / "t.xml.reason.txt", f"no order for {NAME}")
    _old_file(data / "logs" / "console-desk-1.log.1", f"INFO label for {NAME}")
    return order.id


async def _tables_mention(name: str) -> list[str]:
    conn = Tortoise.get_connection("sqlite")
    hits = []
    for model in Tortoise.apps["core"].values():
        table = model._meta.db_table
        for row in await conn.execute_query_dict(f'SELECT * FROM "{table}"'):
            if name in repr(row) or name.encode() in repr(row).encode():
                hits.append(table)
    return hits


async def _sealed_values_mention(name: str, box: SecretBox) -> list[str]:
    kept = {d.id for d in await DocumentRow.filter(kind__in=("invoice", "credit_note"))}
    hits = []
    for place in PLACES:
        async for row_id, value in _rows(place):
            token = _token(place.shape, value)
            if token is None or (place.model is DocumentRow and row_id in kept):
                continue
            opened = box.open(token)
            if place.column in ("pdf", "label"):
                opened = open_blob(bytes(value), box).decode("utf-8", "replace")
            if name in json.dumps(opened, ensure_ascii=False):
                hits.append(f"{place.name}:{row_id}")
    return hits


def _files_mention(name: str, root: Path) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and name.encode() in p.read_bytes()]


async def test_purge_leaves_no_buyer_name_anywhere_but_the_invoice(sqlite_db, box, tmp_path):
    data = tmp_path  # the SQLite file lives here too: the grep reads the database file as well
    order_id = await _everything_about_one_buyer(box, data)
    assert await _sealed_values_mention(NAME, box)  # the name is there before …

    preview = await purge_personal_data(30, dry_run=True, now=NOW, settings=_settings(data))
    assert preview.order_ids == [order_id]
    for place in ("order.personal_sealed", "package.label", "print_job.payload",
                  "outbox_job.last_error", "logs", "printouts:paper", "3pl:acme:orders",
                  "3pl:acme:archive", "3pl:acme:errors"):  # fmt: skip
        assert preview.places[place] >= 1, (place, preview.places)

    await purge_personal_data(30, now=NOW, settings=_settings(data))

    assert _files_mention(NAME, data) == []
    assert await _tables_mention(NAME) == []
    assert await _sealed_values_mention(NAME, box) == []
    invoice = await DocumentRow.get(number="RE-1")  # … and the invoice keeps it, sealed
    assert NAME in json.dumps(box.open(invoice.content["personal_sealed"]), ensure_ascii=False)


def test_dry_run_json_lists_every_place(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    env.update(PACKDESK_CONFIG=str(tmp_path / "config.toml"), PYTHONPATH=str(ROOT),
               PACKDESK_DATA_DIR=str(tmp_path / "data"))  # fmt: skip
    run = [sys.executable, "-m", "console.cli"]
    subprocess.run([*run, "init"], env=env, cwd=ROOT, capture_output=True, check=True, timeout=120)
    out = subprocess.run([*run, "purge-personal-data", "--dry-run", "--json"], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    places = json.loads(out.stdout)["places"]
    assert {"order.personal_sealed", "package.label", "print_job.payload", "logs",
            "printouts:paper"} <= set(places)  # fmt: skip
    done = subprocess.run([*run, "purge-personal-data", "--json"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "print_job (finished, spool retention)" in json.loads(done.stdout)["places"]
