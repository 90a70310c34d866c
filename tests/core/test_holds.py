"""Hold reasons as codes: picked by number, barcode or code; kept in the history after the release
(SQLite and PostgreSQL); the desk sheet's barcodes read back by zbarimg from the rendered PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from core.config import DEFAULT_HOLD_REASONS
from core.persistence.models import OrderRow
from core.services import holds
from core.services.claim import release_hold
from tests.core.test_cli import env, packdesk  # noqa: F401  (fixture)
from tests.core.test_completion import _claimed

LISTED = holds.reasons(DEFAULT_HOLD_REASONS, "PD-HOLD-")


def test_a_reason_is_picked_by_number_barcode_or_code_and_words_are_kept() -> None:
    damaged = LISTED[0]
    assert (damaged.number, damaged.code, damaged.barcode) == (1, "damaged", "PD-HOLD-DAMAGED")
    assert holds.pick("1", LISTED) == damaged
    assert holds.pick("pd-hold-address", LISTED) == LISTED[2]
    assert holds.pick("missing_stock", LISTED) == LISTED[1]
    assert holds.pick("9", LISTED) is None and holds.pick("  ", LISTED) is None
    other = holds.pick("box crushed on arrival", LISTED)
    assert other is not None and (other.code, other.recorded) == ("other", "box crushed on arrival")
    assert holds.scanned_reason("PD-HOLD-DAMAGED", LISTED) == damaged
    assert holds.scanned_reason("PD-HOLD-NOPE", LISTED) is None
    assert holds.scanned_reason("4006381333931", LISTED) is None


async def test_the_reason_stays_in_the_history_after_release(db, box):
    order_id = await _claimed(box)
    await holds.hold(order_id, LISTED[0], "anna", "desk-1")
    row = await OrderRow.get(id=order_id)
    assert (row.status, row.hold_reason) == ("on_hold", "Item damaged (damaged)")
    await release_hold(order_id, "sam", "desk-1")
    row = await OrderRow.get(id=order_id)
    assert (row.status, row.hold_reason) == ("open", "")
    events = await holds.history(order_id)
    assert [(e.action, e.code, e.text, e.actor) for e in events] == [
        ("order.held", "damaged", "Item damaged (damaged)", "anna"),
        ("order.hold_released", "damaged", "Item damaged (damaged)", "sam"),
    ]


def _decoded(pdf: Path, tmp_path: Path) -> list[str]:
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    found = []
    for page in sorted(tmp_path.glob("page-*.png")):
        read = subprocess.run(
            ["zbarimg", "-q", "--raw", str(page)], capture_output=True, text=True, timeout=60
        )
        found += read.stdout.split()
    return found


def test_holds_sheet_pdf_carries_one_readable_barcode_per_reason(env, tmp_path):  # noqa: F811
    if shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None:
        pytest.skip("zbarimg (zbar-tools) and pdftoppm (poppler-utils) are needed")
    reasons = {f"reason_{n}": f"Reason number {n}" for n in range(1, 10)}  # two pages
    Path(env["PACKDESK_CONFIG"]).write_text(
        "[desk.hold_reasons]\n" + "".join(f'{k} = "{v}"\n' for k, v in reasons.items())
    )
    out = tmp_path / "sheet.pdf"
    done = packdesk(env, "holds", "sheet", "-o", str(out))
    assert done.returncode == 0, done.stderr
    expected = [f"PD-HOLD-{code.upper()}" for code in reasons] + ["PD-CANCEL"]
    assert sorted(_decoded(out, tmp_path)) == sorted(expected)
    bad = packdesk(env, "holds", "sheet", "-o", str(tmp_path / "no" / "such" / "dir.pdf"))
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_the_sheet_prints_the_configured_codes(env, tmp_path):  # noqa: F811
    if shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None:
        pytest.skip("zbarimg (zbar-tools) and pdftoppm (poppler-utils) are needed")
    Path(env["PACKDESK_CONFIG"]).write_text(
        '[desk]\ncancel_code = "STOP-NOW"\nhold_code_prefix = "H-"\n'
        '[desk.hold_reasons]\ndamaged = "Item damaged"\naddress = "Address problem"\n'
    )
    out = tmp_path / "sheet.pdf"
    done = packdesk(env, "holds", "sheet", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert sorted(_decoded(out, tmp_path)) == ["H-ADDRESS", "H-DAMAGED", "STOP-NOW"]
    Path(env["PACKDESK_CONFIG"]).write_text('[desk]\ncancel_code = "STOP NOW"\n')
    bad = packdesk(env, "holds", "sheet", "-o", str(out))
    assert bad.returncode == 2 and "desk.cancel_code" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
