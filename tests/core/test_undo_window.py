"""The undo window's rules, without a desk: when it is due, what a scan and a stop do."""

from __future__ import annotations

from core.domain.undo_window import NextScan, Stop, UndoWindow, opens

CANCEL_CODE = "PD-CANCEL"  # the default desk.cancel_code
CODES = frozenset({CANCEL_CODE})


def test_due_only_once_the_moment_has_passed() -> None:
    window = UndoWindow(3.0, opened_at=100.0)
    assert not window.due(100.0) and window.seconds_left(100.0) == 3
    assert window.seconds_left(101.2) == 2 and not window.due(102.99)
    assert window.due(103.0) and window.seconds_left(104) == 0


def test_the_cancel_code_stops_and_any_other_scan_ships() -> None:
    window = UndoWindow(3.0, 0.0)
    assert window.next_scan(f" {CANCEL_CODE.lower()} ", CODES) is NextScan.STOP
    assert window.next_scan("4006381333931", CODES) is NextScan.SHIP


def test_a_stop_puts_back_an_order_the_last_scan_claimed_and_otherwise_takes_the_scan_back() -> (
    None
):
    assert UndoWindow(3.0, 0.0, claimed_by_last_scan=True).stop is Stop.PUT_BACK
    assert UndoWindow(3.0, 0.0).stop is Stop.TAKE_BACK


def test_zero_switches_it_off() -> None:
    assert not opens(0) and opens(0.5)
