"""A hostile server ends every cycle within its deadline with a sentence: endless or repeated
next tokens, a slow answer, a huge answer, wrong types."""

from __future__ import annotations

import time

import pytest

from core.channels.amazon.client import paging
from core.persistence.models import OrderRow
from tests.amazon.support import wired

pytestmark = pytest.mark.network


async def _one_cycle(emu, box, spec: str, **worker: object):  # type: ignore[no-untyped-def]
    emu.set_faults(spec)
    async with wired(emu, box) as w:
        for name, value in worker.items():
            setattr(w.worker, name, value)
        started = time.monotonic()
        summary = await w.worker.run_once()
        return summary, time.monotonic() - started


async def test_endless_next_tokens_stop_past_the_page_limit(db, box, emu, monkeypatch):
    monkeypatch.setattr(paging, "MAX_PAGES", 5)
    summary, _ = await _one_cycle(emu, box, "endless_pages:op=searchOrders")
    problems = " ".join(p for c in summary.accounts for p in c.problems)
    assert "more than 5 pages; stopped there" in problems
    assert await OrderRow.all().count() > 0  # the pages read were imported


async def test_a_repeated_next_token_stops_the_walk(db, box, emu):
    summary, _ = await _one_cycle(emu, box, "repeat_token:op=searchOrders")
    problems = " ".join(p for c in summary.accounts for p in c.problems)
    assert "the same next token again after page 2" in problems


async def test_a_slow_server_does_not_hold_the_cycle_past_its_deadline(db, box, emu):
    summary, took = await _one_cycle(
        emu, box, "slow:op=searchOrders:seconds=10", cycle_deadline_s=1.0
    )
    assert took < 8  # below the 10 s the server takes for each answer
    problems = " ".join(p for c in summary.accounts for p in c.problems)
    assert "ran past its deadline of 1 s" in problems


async def test_a_huge_answer_is_refused_unread(db, box, emu):
    summary, _ = await _one_cycle(emu, box, "huge:op=searchOrders:size=40000000")
    problems = " ".join(p for c in summary.accounts for p in c.problems)
    assert "MiB an answer may have" in problems


async def test_wrong_types_are_an_unreadable_answer_not_an_unreachable_amazon(db, box, emu):
    summary, _ = await _one_cycle(emu, box, "wrong_types:op=searchOrders")
    problems = " ".join(p for c in summary.accounts for p in c.problems)
    assert "cannot be reached" not in problems and "AttributeError" not in problems
    assert "'orders' is not a list" in problems
