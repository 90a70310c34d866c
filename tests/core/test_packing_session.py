"""The packing session under scans a packer (or a random generator) might produce."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.domain.errors import DomainError
from core.domain.packing import ExpectedLine, PackingSession, ScanOutcome

LINES = [
    ExpectedLine.of(1, "MUG-RED", "Red mug", 2, {"4006381333931", "X001ABCDEF"}),
    ExpectedLine.of(2, "TEA-50", "Tea 50 bags", 1, {"9780201379624"}),
]
KNOWN = {"4012345678901"}


def session() -> PackingSession:
    return PackingSession("302-1", LINES, known_codes=KNOWN)


def test_scans_answer_each_case():
    s = session()
    assert s.scan("4006381333931").outcome is ScanOutcome.ACCEPTED
    assert s.scan("x001abcdef ").outcome is ScanOutcome.ACCEPTED  # FNSKU, any case, trailing space
    over = s.scan("4006381333931")
    assert over.outcome is ScanOutcome.OVER_SCAN and "take the extra one out" in over.message
    wrong = s.scan("4012345678901")
    assert wrong.outcome is ScanOutcome.WRONG_ITEM and "not in this order" in wrong.message
    assert s.scan("NOPE").outcome is ScanOutcome.UNKNOWN_CODE
    assert s.scan("TEA-50").outcome is ScanOutcome.COMPLETE  # the listing SKU matches too
    assert s.finish() == [{1: 2, 2: 1}]


def test_upc_matches_its_ean13_form():
    s = PackingSession("o", [ExpectedLine.of(1, "S", "T", 1, {"0012345678905"})])
    assert s.scan("012345678905").outcome is ScanOutcome.COMPLETE


def test_bulk_quantity_packages_partial_and_hold():
    s = session()
    assert s.scan("4006381333931", quantity=3).outcome is ScanOutcome.OVER_SCAN
    assert s.scan("4006381333931", quantity=2).outcome is ScanOutcome.ACCEPTED
    assert s.new_package() == 2
    with pytest.raises(DomainError, match="still empty"):
        s.new_package()
    with pytest.raises(DomainError, match="1 item"):
        s.finish()
    assert s.finish(partial=True) == [{1: 2}]
    s.hold("tea is damaged")
    with pytest.raises(DomainError, match="on hold"):
        s.finish(partial=True)
    assert s.undo() and s.hold_reason == ""


codes = st.sampled_from(
    ["4006381333931", "X001ABCDEF", "9780201379624", "TEA-50", "4012345678901", "UNKNOWN"]
)
actions = st.lists(
    st.one_of(
        st.tuples(st.just("scan"), codes, st.integers(min_value=1, max_value=3)),
        st.tuples(st.just("package"), st.none(), st.none()),
        st.tuples(st.just("undo"), st.none(), st.none()),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(actions)
def test_random_scan_sequences_keep_the_rules(steps):
    s = session()
    snapshots = []
    for action, code, qty in steps:
        before = copy.deepcopy(s._state)
        if action == "scan":
            result = s.scan(code, qty)
            if result.outcome.ok:
                snapshots.append(before)
            else:
                assert s._state == before  # a refused scan changes nothing
        elif action == "package":
            try:
                s.new_package()
                snapshots.append(before)
            except DomainError:
                assert s._state == before
        else:
            if s.undo():
                assert s._state == snapshots.pop()  # undo restores exactly the previous state
            else:
                assert not snapshots
        for line in LINES:  # never more than ordered
            assert 0 <= s.packed(line.line_id) <= line.quantity
        assert s.is_complete == (s.items_packed == s.items_expected)
    if s.is_complete:
        packages = s.finish()
        assert sum(sum(p.values()) for p in packages) == s.items_expected
    else:
        with pytest.raises(DomainError):
            s.finish()
