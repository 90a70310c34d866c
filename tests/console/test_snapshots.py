"""Snapshots of every screen at 80×24 on the fake backend (update with --snapshot-update)."""

from __future__ import annotations

import pytest

from console.app import PackdeskApp
from tests.console.fakes import ANNA, T0, FakeBackend
from tests.support.keys import burst

SCREENS = ["queue", "holds", "outbox", "articles", "printers", "dashboard"]


def make_app() -> PackdeskApp:
    # The clocks stand still: an undo window on screen always shows its full 3 s; the queue's
    # rows due before 15:00 on T0's day are overdue, the rest of that day's are due today.
    return PackdeskApp(  # type: ignore[arg-type]
        FakeBackend(),
        poll_interval=None,
        cursor_blink=False,
        clock=lambda: 0.0,
        wall_clock=lambda: T0.replace(hour=15),
    )


async def _settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_sign_in(snap_compare):
    async def run_before(pilot) -> None:
        await _settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_packing_mid_order(snap_compare):
    async def run_before(pilot) -> None:
        pilot.app.signed_in(ANNA)
        await _settle(pilot)
        burst(pilot.app, "302-0000001-0000001\r")
        await _settle(pilot)
        burst(pilot.app, "4000000000013\r4000000000037\r")
        await _settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_packing_after_shipping(snap_compare):
    async def run_before(pilot) -> None:
        pilot.app.signed_in(ANNA)
        await _settle(pilot)
        burst(pilot.app, "302-0000001-0000001\r")
        await _settle(pilot)
        burst(pilot.app, "4000000000013\r4000000000013\r4000000000020\r")
        await _settle(pilot)
        await pilot.press("f5")  # ship now instead of waiting out the undo window
        await _settle(pilot)
        await _settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_packing_undo_window(snap_compare):
    async def run_before(pilot) -> None:
        pilot.app.signed_in(ANNA)
        await _settle(pilot)
        burst(pilot.app, "302-0000001-0000001\r")
        await _settle(pilot)
        burst(pilot.app, "4000000000013\r4000000000013\r4000000000020\r")
        await _settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_order_detail(snap_compare):
    async def run_before(pilot) -> None:
        pilot.app.signed_in(ANNA)
        await _settle(pilot)
        pilot.app.show_order(1)
        await _settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_settings(snap_compare):
    async def run_before(pilot) -> None:
        pilot.app.signed_in(ANNA)
        pilot.app.supervisor = ANNA
        await _settle(pilot)
        pilot.app.action_open("settings")
        await _settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("name", SCREENS)
def test_screen(snap_compare, name):
    async def run_before(pilot) -> None:
        pilot.app.signed_in(ANNA)
        await _settle(pilot)
        pilot.app.action_open(name)
        await _settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
