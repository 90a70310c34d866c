"""A huge report document is streamed to disk: its size never becomes the process's memory."""

from __future__ import annotations

import gzip
import tracemalloc

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from core.channels.amazon.client.http import SpApiClient
from core.channels.amazon.client.report_files import document_text, report_text
from core.channels.amazon.fba_shipments import shipped_items_from_report

pytestmark = pytest.mark.network
HEADER = b"amazon-order-id\tsales-channel\tsku\tquantity-shipped\n"
ROW = b"302-0000000-0000000\tNon-Amazon\tPD-1\t1\n"  # not an Amazon sale: skipped
SIZE = 48 * 1024**2


class Tokens:
    async def token(self) -> str:
        return "Atza|test"

    def invalidate(self, token: str) -> None:
        pass


async def _document(request: web.Request) -> web.StreamResponse:
    resp = web.StreamResponse(headers={"Content-Type": "text/tab-separated-values"})
    await resp.prepare(request)
    zipped = request.query.get("gzip") == "1"
    block = ROW * 4096
    await resp.write(gzip.compress(HEADER) if zipped else HEADER)
    for _ in range(SIZE // len(block)):
        await resp.write(gzip.compress(block, 1) if zipped else block)  # gzip members concatenate
    await resp.write_eof()
    return resp


@pytest.mark.parametrize("zipped", ["0", "1"])
async def test_a_48_mib_report_is_read_in_bounded_memory(zipped):
    app = web.Application()
    app.router.add_get("/doc", _document)

    async def info(request: web.Request) -> web.Response:
        url = str(request.url.with_path("/doc").with_query(gzip=zipped))
        return web.json_response({"reportDocumentId": "D1", "url": url})

    app.router.add_get("/reports/2021-06-30/documents/D1", info)
    async with TestServer(app) as server, aiohttp.ClientSession() as session:
        client = SpApiClient(session, Tokens(), str(server.make_url("")))  # type: ignore[arg-type]
        tracemalloc.start()
        try:
            async with report_text(client, "D1") as text:
                items = shipped_items_from_report(text, ["A1PA6795UKMFR9"])
                text.seek(0)
                rows = sum(1 for _ in text)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert items == []
    assert rows == SIZE // len(ROW) // 4096 * 4096 + 1  # every row read, gzip members and all
    assert peak < 12 * 1024**2  # the document is 48 MiB of text


TEXT = "seller-sku\titem-name\nA-1\tMüsli für 3 €\n"
SNIFFED = {
    "gzip": (gzip.compress(TEXT.encode()), "text/plain"),
    "plain": (TEXT.encode(), "text/plain"),  # a document flagged GZIP but stored plain
    "latin9": (TEXT.encode("iso-8859-15"), "text/tab-separated-values; charset=ISO-8859-15"),
    "bom": (b"\xef\xbb\xbf" + TEXT.encode(), "text/plain; charset=ISO-8859-1"),  # the BOM wins
}


@pytest.mark.parametrize("kind", sorted(SNIFFED))
async def test_documents_are_sniffed_not_trusted(kind):
    raw, content_type = SNIFFED[kind]

    async def document(request: web.Request) -> web.Response:
        return web.Response(body=raw, headers={"Content-Type": content_type})

    app = web.Application()
    app.router.add_get("/doc", document)
    async with TestServer(app) as server, aiohttp.ClientSession() as session:
        client = SpApiClient(session, Tokens(), str(server.make_url("")))  # type: ignore[arg-type]
        async with document_text(client, str(server.make_url("/doc"))) as text:
            assert text.read() == TEXT
