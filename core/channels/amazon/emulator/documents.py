"""The emulator's stand-in for S3: pre-signed document URLs that expire after five minutes."""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from aiohttp import web

from core.channels.amazon.emulator.runtime import RUNTIME

if TYPE_CHECKING:
    from core.channels.amazon.emulator.runtime import Runtime

URL_LIFETIME = 300.0


def _signature(rt: Runtime, doc_id: str, method: str, expires: int) -> str:
    key = rt.client_secret.encode()
    return hmac.new(key, f"{method}\n{doc_id}\n{expires}".encode(), hashlib.sha256).hexdigest()


def presigned_url(request: web.Request, doc_id: str, method: str = "GET") -> str:
    """A URL for the document on the host the client called, valid for five emulated minutes."""
    rt = request.app[RUNTIME]
    expires = int(rt.clock.now() + URL_LIFETIME)
    sig = _signature(rt, doc_id, method, expires)
    return f"{request.url.origin()}/_s3/{doc_id}?X-Amz-Expires={int(URL_LIFETIME)}&X-Amz-Date={expires}&X-Amz-Signature={sig}"


def _s3_error(status: int, code: str, message: str) -> web.Response:
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>'
    return web.Response(text=body, status=status, content_type="application/xml")


def _check(request: web.Request, method: str) -> web.Response | None:
    rt = request.app[RUNTIME]
    doc_id = request.match_info["doc"]
    try:
        expires = int(request.query.get("X-Amz-Date", ""))
    except ValueError:
        return _s3_error(
            403, "AccessDenied", "Query-string authentication requires the X-Amz-Date parameter"
        )
    if not hmac.compare_digest(
        request.query.get("X-Amz-Signature", ""), _signature(rt, doc_id, method, expires)
    ):
        return _s3_error(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        )
    if rt.clock.now() > expires:
        return _s3_error(403, "AccessDenied", "Request has expired")
    if doc_id not in rt.state.documents:
        return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
    return None


async def download(request: web.Request) -> web.StreamResponse:
    """``GET`` a report or feed-result document."""
    problem = _check(request, "GET")
    if problem is not None:
        return problem
    doc = request.app[RUNTIME].state.documents[request.match_info["doc"]]
    if doc.content is None:
        return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
    return web.Response(body=doc.content, headers={"Content-Type": doc.content_type})


async def upload(request: web.Request) -> web.StreamResponse:
    """``PUT`` a feed document; the Content-Type must be the one given to createFeedDocument."""
    problem = _check(request, "PUT")
    if problem is not None:
        return problem
    doc = request.app[RUNTIME].state.documents[request.match_info["doc"]]
    if request.headers.get("Content-Type", "") != doc.content_type:
        return _s3_error(
            403,
            "SignatureDoesNotMatch",
            "The Content-Type does not match the one the URL was signed for.",
        )
    doc.content = await request.read()
    return web.Response(
        status=200, headers={"ETag": '"' + hashlib.md5(doc.content).hexdigest() + '"'}
    )


def add_routes(app: web.Application) -> None:
    """Document routes (no SP-API auth: the signature is the authorisation)."""
    app.router.add_get("/_s3/{doc}", download, name="s3.get")
    app.router.add_put("/_s3/{doc}", upload, name="s3.put")
