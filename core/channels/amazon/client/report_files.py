"""Report and feed result documents streamed to disk: a document of any size is read in 64 KiB
pieces, unzipped on the way, and handed over as a text file, so its size never becomes memory."""

from __future__ import annotations

import codecs
import io
import tempfile
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import IO

import aiohttp

from core.channels.amazon.client.errors import ServerError
from core.channels.amazon.client.http import SpApiClient

CHUNK = 1 << 16
MAX_REPORT_BYTES = 8 * 1024**3  # on disk; beyond this a report is not what we asked for


def _charset(content_type: str) -> str:
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"').lower()
    return "utf-8"


@asynccontextmanager
async def report_text(client: SpApiClient, document_id: str) -> AsyncIterator[io.TextIOWrapper]:
    """The finished report's text as an open file (gzip sniffed, charset honoured)."""
    doc = await client.call(
        "getReportDocument", "GET", f"/reports/2021-06-30/documents/{document_id}"
    )
    async with document_text(client, str((doc.body or {})["url"])) as out:
        yield out


@asynccontextmanager
async def document_text(client: SpApiClient, url: str) -> AsyncIterator[io.TextIOWrapper]:
    """A report or feed result document at a pre-signed `url`, as an open UTF-8 text file
    (its `.buffer` holds the same text as UTF-8 bytes, for parsers that read bytes)."""
    with (
        tempfile.TemporaryFile("w+b") as raw,
        io.TextIOWrapper(raw, encoding="utf-8", newline="") as out,
    ):
        try:
            async with client.session.get(
                url, timeout=client.timeout, auto_decompress=False
            ) as resp:
                if resp.status >= 400:
                    raise ServerError(
                        f"document download failed with HTTP {resp.status}",
                        status=resp.status,
                        operation="download",
                    )
                await _write_text(resp, out)
        except aiohttp.ClientError as exc:
            raise ServerError(
                f"document download failed ({type(exc).__name__})", operation="download"
            ) from None
        out.flush()
        out.seek(0)
        yield out


class _TextSink:
    """Bytes in, text out: the charset decided by the first bytes (a UTF-8 BOM wins)."""

    def __init__(self, out: IO[str], charset: str) -> None:
        self.out = out
        self.charset = charset
        self.decoder: codecs.IncrementalDecoder | None = None

    def write(self, data: bytes) -> None:
        if self.decoder is None:
            if not data:
                return
            if data.startswith(b"\xef\xbb\xbf"):
                data, self.charset = data[3:], "utf-8"
            try:
                self.decoder = codecs.getincrementaldecoder(self.charset)("replace")
            except LookupError:
                self.decoder = codecs.getincrementaldecoder("latin-1")()
        self.out.write(self.decoder.decode(data))

    def close(self) -> None:
        if self.decoder is not None:
            self.out.write(self.decoder.decode(b"", final=True))


async def _write_text(resp: aiohttp.ClientResponse, out: IO[str]) -> None:
    sink = _TextSink(out, _charset(resp.headers.get("Content-Type", "")))
    unzip: zlib._Decompress | None = None
    size, first = 0, True
    async for raw in resp.content.iter_chunked(CHUNK):
        size += len(raw)
        if size > MAX_REPORT_BYTES:
            raise ServerError("the report document is larger than 8 GiB", operation="download")
        if first:
            first = False
            if raw[:2] == b"\x1f\x8b":  # the magic decides, not a flag (Amazon's flags lie)
                unzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
        if unzip is None:
            sink.write(raw)
            continue
        feed = raw
        while True:
            # at most CHUNK out per step: 64 KiB of gzip can hold many MiB of text
            text = unzip.decompress(feed, CHUNK)
            sink.write(text)
            feed = unzip.unconsumed_tail
            if unzip.eof and unzip.unused_data:  # another gzip member follows (still gzip)
                feed = unzip.unused_data
                unzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
            elif not feed and len(text) < CHUNK:
                break
    if unzip is not None:
        sink.write(unzip.flush())
    sink.close()
