"""The listings report and feed processing reports are streamed: a catalogue of 200,000 listings or
a feed result with 100,000 issues is read in memory far below its size, with the same rows."""

from __future__ import annotations

import dataclasses
import gzip
import json
import tracemalloc

import pytest

from core.channels.amazon.articles import listings_from_report, pull_listings
from core.channels.amazon.client import documents
from core.channels.amazon.client.report_files import report_text
from core.channels.amazon.emulator import run_emulator
from core.channels.amazon.emulator.model import Feed
from core.channels.amazon.emulator.processing import store_document
from core.persistence.models import ListingRow
from core.services.setup import ensure_basics
from tests.amazon.support import SCALE, wired

pytestmark = pytest.mark.network
MB = 1024**2


async def test_the_listings_report_gives_the_same_listings_as_the_listings_api(db, box):
    await ensure_basics("desk-1")
    async with run_emulator(seed=7, accounts=1, orders=5, time_scale=SCALE) as emu:
        async with wired(emu, box) as w:
            row = w.accounts[0]
            result = await pull_listings(w.connectors[row.id], use_report=True)
    ours = {k: v for k, v in emu.state.listings.items() if k[0] == row.seller_id}
    assert result.listings_seen == len(ours) == result.listings_created > 0
    stored = {
        (r.seller_sku, r.marketplace_id): (r.asin, r.channel)
        for r in await ListingRow.filter(account_id=row.id)
    }
    assert stored == {
        (sku, m): (v.asin, "MFN" if v.channel == "DEFAULT" else "AFN")
        for (_, sku, m), v in ours.items()
    }


async def test_a_listings_report_of_200000_rows_is_read_in_bounded_memory(db, box, emu):
    seller = emu.credentials["accounts"][0]["seller_id"]
    template = next(v for k, v in emu.state.listings.items() if k[0] == seller)
    market = template.marketplace_id
    for n in range(200_000):
        sku = f"BIG-{n:06d}"
        emu.state.listings[(seller, sku, market)] = dataclasses.replace(
            template, sku=sku, title=f"Großes Lager Artikel {n} " + "x" * 60
        )
    async with wired(emu, box) as w:
        client = w.connectors[w.accounts[0].id].client
        report_id = await documents.create_report(
            client, "GET_MERCHANT_LISTINGS_ALL_DATA", [market]
        )
        emu.advance(3600)
        report = await documents.get_report(client, report_id)
        assert report["processingStatus"] == "DONE"
        doc = emu.state.documents[report["reportDocumentId"]]
        size = len(gzip.decompress(doc.content))
        tracemalloc.start()
        try:
            async with report_text(client, report["reportDocumentId"]) as text:
                seen = sum(1 for p in listings_from_report(text, market) if p.sku.startswith("BIG"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert seen == 200_000
    assert size > 30 * MB
    assert peak < 8 * MB  # the old whole read held the bytes, the text and every row


async def test_a_feed_result_with_100000_issues_is_read_in_bounded_memory(db, box, emu):
    account = emu.credentials["accounts"][0]
    skus = [f"PD-{n:04d}" for n in range(2000)]
    issues = [
        {
            "messageId": n % 2000 + 1,
            "code": f"9{n:05d}",
            "severity": "ERROR" if n % 3 else "WARNING",
            "message": f"Problem {n}: the value for 'fulfillment_availability' is not valid. "
            + "y" * 150,
            **({"sku": skus[n % 2000]} if n % 2 else {}),
        }
        for n in range(100_000)
    ]
    report = {
        "header": {"sellerId": account["seller_id"], "version": "2.0", "feedId": "F-BIG"},
        "issues": issues,
        "summary": {"errors": 66_666, "warnings": 33_334, "messagesProcessed": 2000},
    }
    content = json.dumps(report).encode()
    expected: dict[str, tuple[str, str]] = {}
    for i in issues:  # what the whole-document read made of it: the first ERROR per SKU
        if i["severity"] == "ERROR":
            sku = str(i.get("sku") or skus[int(i["messageId"]) - 1])
            expected.setdefault(sku, (str(i["code"]), str(i["message"])))
    del issues, report
    state = emu.state
    now = emu.now()
    state.feeds["F-BIG"] = Feed(
        "F-BIG",
        account["seller_id"],
        "JSON_LISTINGS_FEED",
        ["A1PA6795UKMFR9"],
        "",
        {},
        now,
        status="DONE",
        ended=now,
        result_document_id=store_document(
            state, content, "application/json; charset=UTF-8", now, compress=True
        ),
    )
    async with wired(emu, box) as w:
        connector = w.connectors[w.accounts[0].id]
        tracemalloc.start()
        try:
            outcome = await connector.stock_feed_outcome("F-BIG", skus)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert outcome is not None and outcome.status == "DONE"
    assert outcome.rejected == expected
    assert len(content) > 20 * MB
    assert peak < 6 * MB  # the rejections themselves are 2,000 SKUs' first issue
