"""The queue as a packer uses it: urgent rows stand out, markets by country, a search that is
cleared by a key or an empty scan, filters changed by key while the scan field keeps the focus."""

from __future__ import annotations

from datetime import timedelta

from console.screens.queue import QueueScreen
from console.widgets.scan_field import ScanField
from core.services.queries.queue import QueueFilter
from tests.console.conftest import until
from tests.console.fakes import ANNA, T0, FakeBackend
from tests.console.test_packing_flow import _signed_in
from tests.support.keys import burst

# Fake rows are due at T0 + (2 + n % 10) h: at 15:00, rows 1 and 2 (13:00, 14:00) are overdue.
THREE_PM = T0.replace(hour=15)


async def _queue(app, pilot) -> QueueScreen:
    app.action_open("queue")
    await until(pilot, lambda: isinstance(app.screen, QueueScreen) and app.screen.is_mounted)
    screen = app.screen
    await until(pilot, lambda: len(screen.rows) > 0 and screen.query_one("#orders").row_count > 0)
    return screen


def _cells(screen: QueueScreen, order_id: int) -> list:
    return screen.query_one("#orders").get_row(str(order_id))


def _fake_app(clock=lambda: THREE_PM):
    from console.app import PackdeskApp

    backend = FakeBackend()
    return PackdeskApp(backend, poll_interval=None, cursor_blink=False, wall_clock=clock), backend  # type: ignore[arg-type]


async def test_overdue_and_due_today_rows_stand_out_by_the_apps_clock():
    app, _ = _fake_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.signed_in(ANNA)
        screen = await _queue(app, pilot)
        assert {c.style for c in _cells(screen, 1)} == {"bold red"}  # 13:00: overdue
        assert {c.style for c in _cells(screen, 2)} == {"bold red"}  # 14:00: overdue
        assert {c.style for c in _cells(screen, 3)} == {"yellow"}  # 15:00: due today
        assert {c.style for c in _cells(screen, 9)} == {"yellow"}  # 21:00: due today
        assert _cells(screen, 1)[0].plain == "20.11 13:00"


async def test_rows_due_tomorrow_do_not_stand_out():
    app, _ = _fake_app(clock=lambda: THREE_PM - timedelta(days=1))
    async with app.run_test(size=(100, 30)) as pilot:
        app.signed_in(ANNA)
        screen = await _queue(app, pilot)
        assert {c.style for row in screen.rows for c in _cells(screen, row.id)} == {""}


async def test_marketplaces_are_shown_as_their_country():
    app, _ = _fake_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.signed_in(ANNA)
        screen = await _queue(app, pilot)
        assert _cells(screen, 1)[4].plain == "DE"  # was "FR9" (the id's last four: "MFR9")
        market = screen.query_one("#market")
        await until(pilot, lambda: len(market._options) > 1)
        assert [str(label) for label, value in market._options if value == "A1PA6795UKMFR9"] == [
            "DE"
        ]


async def test_filters_change_by_key_while_the_scan_field_keeps_the_focus():
    app, backend = _fake_app()
    asked: list[QueueFilter] = []
    real_queue = backend.queue

    async def recording_queue(filters, *args, **kwargs):
        asked.append(QueueFilter(**vars(filters)))
        return await real_queue(filters, *args, **kwargs)

    backend.queue = recording_queue  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        app.signed_in(ANNA)
        screen = await _queue(app, pilot)
        await until(pilot, lambda: screen.choices["account"] == ["amazon-de", "amazon-fr"])
        for key, expected in [
            ("f3", QueueFilter(account="amazon-de")),
            ("f3", QueueFilter(account="amazon-fr")),
            ("f4", QueueFilter(account="amazon-fr", marketplace="A1PA6795UKMFR9")),
            ("f3", QueueFilter(marketplace="A1PA6795UKMFR9")),  # after the last: every account
            ("f6", QueueFilter(marketplace="A1PA6795UKMFR9", status="open")),
            ("f10", QueueFilter(marketplace="A1PA6795UKMFR9", status="open", prime_only=True)),
        ]:
            await pilot.press(key)
            await until(pilot, lambda e=expected: bool(asked) and asked[-1] == e)
            assert isinstance(app.focused, ScanField)
        assert "Prime only" in str(screen.query_one("#page-info").render())


async def test_a_search_is_cleared_by_ctrl_u_an_empty_scan_or_esc(desk):
    app = desk.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _signed_in(app, pilot)
        screen = await _queue(app, pilot)
        every = {o.external_id for o in screen.rows}
        assert len(every) == 3
        with_tea = {"302-0000001-0000001", "302-0000002-0000002"}

        def shows(expected: set[str]) -> bool:
            return {o.external_id for o in screen.rows} == expected

        for clear in (["ctrl+u"], ["enter"], ["escape"]):
            burst(app, desk.tea + "\r")  # the tea's EAN, scanned
            await until(pilot, lambda: shows(with_tea))
            assert "search: " in str(screen.query_one("#page-info").render())
            await pilot.press(*clear)
            await until(pilot, lambda: shows(every))
            assert app.screen is screen and screen.filters.search == ""
            assert "search: " not in str(screen.query_one("#page-info").render())
        await pilot.press("escape")  # nothing searched: Esc goes back to packing
        await until(pilot, lambda: app.screen is not screen)
