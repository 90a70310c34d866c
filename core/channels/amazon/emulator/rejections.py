"""Listings Amazon rejects on request: ``POST /_emulator/listing-issues`` (tests and the demo).

Amazon refuses a listing change for reasons the seller must fix in Seller Central (a missing
attribute, a restricted brand …). A rejection set here makes every later patch or feed message for
that SKU come back the way Amazon sends it: `status: INVALID` with an ERROR issue on
patchListingsItem, an ERROR issue with `messageId` and `sku` in a JSON_LISTINGS_FEED report.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from core.channels.amazon.emulator.http import json_response
from core.channels.amazon.emulator.runtime import RUNTIME
from core.channels.amazon.emulator.state import SellerState


def listing_issue(state: SellerState, seller_id: str, sku: str) -> dict[str, Any] | None:
    """The ERROR issue Amazon answers for this SKU's changes, if one was set."""
    found = state.listing_issues.get((seller_id, sku))
    if found is None:
        return None
    code, message = found
    return {
        "code": code,
        "message": message,
        "severity": "ERROR",
        "categories": ["INVALID_ATTRIBUTE"],
    }


async def set_listing_issue(request: web.Request) -> web.Response:
    """``{"seller_id", "sku", "code", "message"}``; ``"clear": true`` lifts the rejection."""
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="send a JSON object") from None
    if not isinstance(body, dict) or not all(
        isinstance(body.get(k), str) and body[k] for k in ("seller_id", "sku")
    ):
        raise web.HTTPBadRequest(text='send {"seller_id", "sku", "code", "message"}')
    state = request.app[RUNTIME].state
    key = (body["seller_id"], body["sku"])
    if body.get("clear"):
        state.listing_issues.pop(key, None)
    else:
        state.listing_issues[key] = (
            str(body.get("code") or "90220"),
            str(body.get("message") or "The listing was rejected."),
        )
    return json_response(
        {
            "listing_issues": [
                {"seller_id": s, "sku": k, "code": c, "message": m}
                for (s, k), (c, m) in sorted(state.listing_issues.items())
            ]
        }
    )


def add_routes(app: web.Application) -> None:
    app.router.add_post("/_emulator/listing-issues", set_listing_issue, name="emulator.issues")
