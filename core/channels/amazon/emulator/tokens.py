"""Tokens API 2021-03-01: createRestrictedDataToken."""

from __future__ import annotations

from aiohttp import web

from core.channels.amazon.emulator.app import GRANT
from core.channels.amazon.emulator.auth import TOKEN_LIFETIME, Grant, resource_pattern
from core.channels.amazon.emulator.http import ApiError, json_body, json_response
from core.channels.amazon.emulator.runtime import RUNTIME

DATA_ELEMENTS = frozenset({"buyerInfo", "shippingAddress", "buyerTaxInformation"})
_METHODS = frozenset({"GET", "PUT", "POST", "DELETE"})


def _bad(details: str) -> ApiError:
    return ApiError(400, "InvalidRequest", "Request is missing or has invalid parameters", details)


async def create_rdt(request: web.Request) -> web.Response:
    """``POST /tokens/2021-03-01/restrictedDataToken``."""
    rt = request.app[RUNTIME]
    body = await json_body(request)
    resources = body.get("restrictedResources")
    if not isinstance(resources, list) or not resources:
        raise _bad("Resource not provided.")
    if len(resources) > 50:
        raise _bad("At most 50 restricted resources are allowed.")
    granted = []
    for res in resources:
        if not isinstance(res, dict) or res.get("method") not in _METHODS or not res.get("path"):
            raise _bad("Resource not provided.")
        path = str(res["path"])
        if not path.startswith("/"):
            raise _bad(f"Invalid path: {path}")
        elements = res.get("dataElements") or []
        if not isinstance(elements, list) or any(e not in DATA_ELEMENTS for e in elements):
            raise _bad(f"Invalid dataElements for {path}.")
        granted.append((str(res["method"]), resource_pattern(path), frozenset(elements)))
    now = rt.clock.now()
    token = rt.tokens.issue(
        Grant(request[GRANT].seller_id, now + TOKEN_LIFETIME, kind="rdt", resources=granted),
        prefix="Atz.sprdt|",
    )
    return json_response({"restrictedDataToken": token, "expiresIn": TOKEN_LIFETIME})


ROUTES = [
    (
        "POST",
        "/tokens/2021-03-01/restrictedDataToken",
        create_rdt,
        "tokens.createRestrictedDataToken",
    )
]
