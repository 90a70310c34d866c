"""Hostile 3PL inbox files: links are never followed, odd names and huge files never block the rest."""

from __future__ import annotations

import os
import tracemalloc

from core.persistence.models import OrderRow
from core.thirdparty.cycle import run_thirdparty_cycle
from tests.thirdparty.conftest import DHL_1, ORDER, errors, exported, inbox, tracking_xml

GOOD = ((ORDER, (("dhl", DHL_1, ((f"{ORDER}-1", 2), (f"{ORDER}-2", 1))),)),)


async def test_a_link_to_a_valid_tracking_file_is_not_applied(db, box, settings, tmp_path):
    order_id = await exported(settings, box)
    elsewhere = tmp_path / "elsewhere.xml"
    elsewhere.write_bytes(tracking_xml(*GOOD))
    (inbox(settings) / "linked.xml").symlink_to(elsewhere)
    (inbox(settings) / "passwd.xml").symlink_to("/etc/passwd")
    summary = await run_thirdparty_cycle(settings, box, export=False)
    outcomes = {f.name: f for f in summary.files["acme"]}
    assert outcomes["linked.xml"].status == "rejected" and "link" in outcomes["linked.xml"].reason
    assert outcomes["passwd.xml"].status == "rejected"
    assert (await OrderRow.get(id=order_id)).status == "handed_over"  # nothing applied
    assert elsewhere.exists() and "root:" not in repr(errors(settings))


async def test_a_244_character_name_does_not_block_the_other_files(db, box, settings):
    order_id = await exported(settings, box)
    long_name = "t" * 240 + ".xml"
    (inbox(settings) / long_name).write_bytes(b"<nonsense>not a tracking file</nonsense>")
    (inbox(settings) / "zz-good.xml").write_bytes(tracking_xml(*GOOD))
    for _ in range(2):  # every cycle, not only the first
        summary = await run_thirdparty_cycle(settings, box, export=False)
        assert "acme" not in summary.errors, summary.errors
    assert not (inbox(settings) / long_name).exists()  # moved to the error folder, shortened
    assert any(name.startswith("t" * 100) for name in errors(settings))
    assert (await OrderRow.get(id=order_id)).status == "shipped"


async def test_a_200_mb_file_is_refused_without_reading_it(db, box, settings):
    await exported(settings, box)
    huge = inbox(settings) / "huge.xml"
    os.truncate(huge.touch() or huge, 200 * 1024 * 1024)  # sparse: no disk, 200 MB to read
    tracemalloc.start()
    try:
        summary = await run_thirdparty_cycle(settings, box, export=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    [outcome] = summary.files["acme"]
    assert outcome.status == "rejected" and "MB" in outcome.reason
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
    assert not huge.exists() and "max_file_mb" in errors(settings)["huge.xml"]
