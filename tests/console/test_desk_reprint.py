"""Reprint from the desk: a shipped order's id, paper number or tracking number offers its label and
papers again (real App, real scan field, real backend and spool on SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from console.screens.pin_prompt import PinPrompt
from console.screens.reprint_prompt import ReprintPrompt
from core.documents.sealing import seal_blob
from core.persistence.models import DocumentRow, OrderRow, PackageRow, PrintJobRow
from printers import Spool
from tests.console.conftest import until
from tests.console.test_packing_flow import _feedback, _signed_in
from tests.printers.conftest import make_settings
from tests.support.keys import burst

SINGLE = "302-0000002-0000002"
TRACKING = "00340434161094042557"


def _prompt_ready(app) -> bool:
    """The offer is on screen and its choices have focus (a pushed screen composes after)."""
    screen = app.screen
    return (
        isinstance(screen, ReprintPrompt)
        and bool(screen.query("#choices"))
        and (app.focused is screen.query_one("#choices"))
    )


async def _shipped_with_label(app, pilot, desk, box) -> None:
    screen = await _signed_in(app, pilot)
    burst(app, f"{desk.tea}\r")  # one scan ships the single-item order (undo window off here)
    await until(pilot, lambda: screen.last_shipped is not None)
    order = await OrderRow.get(external_id=SINGLE)
    await PackageRow.filter(shipment__order_id=order.id).update(
        tracking_number=TRACKING, label=seal_blob(b"^XA^FDlabel^FS^XZ", box), label_format="zpl"
    )


def _spool(desk, box, tmp_path: Path) -> Spool:
    settings = make_settings(
        {"zebra": {"kind": "folder", "path": str(tmp_path / "z")},
         "a4": {"kind": "folder", "path": str(tmp_path / "a4")}},
        {"label": "zebra", "delivery_note": "a4", "invoice": "a4"},
    )  # fmt: skip
    return Spool(settings, box=box)


async def test_scanning_a_tracking_number_reprints_the_label(desk, box, tmp_path):
    desk.backend.print_port = _spool(desk, box, tmp_path)
    app = desk.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _shipped_with_label(app, pilot, desk, box)
        screen = app.screen
        burst(app, f"{TRACKING}\r")
        await until(pilot, lambda: _prompt_ready(app))
        assert TRACKING in str(app.screen.query_one("#question").render())
        await pilot.press("enter")  # the first choice: the label
        await until(pilot, lambda: app.screen is screen and "sent to the printer" in _feedback(app))
    (job,) = await PrintJobRow.filter(kind="label")
    assert job.title == f"Label {SINGLE} parcel 1 (copy)" and job.printer == "zebra"
    assert (await OrderRow.get(external_id=SINGLE)).status == "shipped"  # not claimed again


async def test_papers_need_a_supervisor_pin_when_packers_may_not_reprint(desk, box, tmp_path):
    desk.backend.print_port = _spool(desk, box, tmp_path)
    desk.settings.desk.packers_may_reprint = False
    app = desk.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _shipped_with_label(app, pilot, desk, box)
        screen = app.screen
        invoice = await DocumentRow.get(kind="invoice")
        burst(app, f"{invoice.number}\r")
        await until(pilot, lambda: _prompt_ready(app))
        await pilot.press("down", "enter")  # papers
        await until(pilot, lambda: isinstance(app.screen, PinPrompt))
        assert not await PrintJobRow.all().exists()
        await pilot.press(*"1234", "enter")
        await until(pilot, lambda: app.screen is screen and "sent to the printer" in _feedback(app))
    titles = sorted(j.title for j in await PrintJobRow.all())
    note = await DocumentRow.get(kind="delivery_note")
    assert titles == sorted([f"{SINGLE} {note.number} (copy)", f"{SINGLE} {invoice.number} (copy)"])


async def test_escape_prints_nothing_and_an_unknown_code_is_still_answered(desk, box, tmp_path):
    desk.backend.print_port = _spool(desk, box, tmp_path)
    app = desk.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _shipped_with_label(app, pilot, desk, box)
        burst(app, f"{SINGLE}\r")
        await until(pilot, lambda: _prompt_ready(app))
        await pilot.press("escape")
        await until(pilot, lambda: "Nothing reprinted" in _feedback(app))
        burst(app, "NOTHING-123\r")
        await until(pilot, lambda: "Nothing is known as NOTHING-123" in _feedback(app))
    assert not await PrintJobRow.all().exists()


THREE = "302-0000001-0000001"  # 2 MUG + 1 TEA


async def test_a_shipped_parcel_scanned_beside_an_open_order_offers_its_reprint(
    desk, box, tmp_path
):
    """The tracking number of a parcel that left, scanned while another order is open: the desk
    offers the reprint and the open order keeps every scan (it used to say "not a known article")."""
    desk.backend.print_port = _spool(desk, box, tmp_path)
    app = desk.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _shipped_with_label(app, pilot, desk, box)
        screen = app.screen
        burst(app, f"{THREE}\r{desk.mug}\r")
        await until(pilot, lambda: screen.session is not None and screen.session.items_packed == 1)
        burst(app, f"{TRACKING}\r")
        await until(pilot, lambda: _prompt_ready(app))
        said = _feedback_of(screen)
        assert f"{SINGLE} has left" in said and f"{THREE} stays on the desk (1/3)" in said, said
        question = str(app.screen.query_one("#question").render())  # the dialog hides the feedback
        assert f"{THREE} stays on the desk (1/3)" in question, question
        await pilot.press("enter")  # the label
        await until(pilot, lambda: app.screen is screen and "sent to the printer" in _feedback(app))
        assert screen.target.external_id == THREE and screen.session.items_packed == 1
        burst(app, f"{desk.mug}\r")  # packing goes on where it was
        await until(pilot, lambda: screen.session.items_packed == 2)
    (job,) = await PrintJobRow.filter(kind="label")
    assert job.title == f"Label {SINGLE} parcel 1 (copy)"
    row = await OrderRow.get(external_id=THREE)
    assert (row.status, row.claimed_by) == ("packing", "desk-1")


async def test_another_orders_papers_beside_an_open_order_say_finish_this_one_first(desk, box):
    """A delivery note of an order still to pack, or its id, is never taken for a wrong article."""
    app = desk.app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _signed_in(app, pilot)
        burst(app, f"{THREE}\r{desk.mug}\r")
        await until(pilot, lambda: screen.session is not None and screen.session.items_packed == 1)
        burst(app, "302-0000003-0000003\r")
        await until(pilot, lambda: "302-0000003-0000003 is another order" in _feedback(app))
        assert f"finish or put back {THREE} first" in _feedback(app)
        burst(app, "NOTHING-123\r")  # what names nothing is still an unknown article
        await until(pilot, lambda: "NOTHING-123 is not a known article" in _feedback(app))
        assert screen.target.external_id == THREE and screen.session.items_packed == 1
    assert (await OrderRow.get(external_id="302-0000003-0000003")).status == "open"


def _feedback_of(screen) -> str:
    return str(screen.query_one("#feedback").render())
