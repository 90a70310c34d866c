"""``/_emulator/*``: read the state, set faults, move time, switch PII gating (tests and people)."""

from __future__ import annotations

import json

from aiohttp import web

from core.channels.amazon.emulator.faults import FaultSpecError, rules_from_json
from core.channels.amazon.emulator.http import json_response
from core.channels.amazon.emulator.runtime import RUNTIME
from core.channels.amazon.emulator.snapshot import snapshot


async def _body(request: web.Request) -> dict[str, object]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="send a JSON object") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="send a JSON object")
    return body


async def get_state(request: web.Request) -> web.Response:
    """``GET /_emulator/state``."""
    rt = request.app[RUNTIME]
    body = snapshot(rt.state, rt.now())
    body["faults"] = [r.as_dict() for r in rt.faults.rules]
    return json_response(body)


async def get_faults(request: web.Request) -> web.Response:
    """``GET /_emulator/faults``."""
    return json_response({"faults": [r.as_dict() for r in request.app[RUNTIME].faults.rules]})


async def set_faults(request: web.Request) -> web.Response:
    """``POST /_emulator/faults`` with ``{"spec": "500:rate=0.5"}`` or ``{"faults": [...]}``."""
    rt = request.app[RUNTIME]
    try:
        rules = rules_from_json(await _body(request))
    except (FaultSpecError, ValueError, TypeError) as exc:
        return web.Response(
            status=400, text=json.dumps({"error": str(exc)}), content_type="application/json"
        )
    rt.faults.set(rules)
    return json_response({"faults": [r.as_dict() for r in rules]})


async def advance(request: web.Request) -> web.Response:
    """``POST /_emulator/advance`` with ``{"seconds": 600}``."""
    rt = request.app[RUNTIME]
    seconds = (await _body(request)).get("seconds")
    if not isinstance(seconds, int | float) or seconds < 0:
        raise web.HTTPBadRequest(text="seconds must be a number ≥ 0")
    rt.advance(float(seconds))
    return json_response({"now": rt.clock.utcnow().isoformat()})


async def settings(request: web.Request) -> web.Response:
    """``POST /_emulator/settings`` with ``{"pii_requires_rdt": false}``."""
    rt = request.app[RUNTIME]
    body = await _body(request)
    if "pii_requires_rdt" in body:
        rt.state.pii_requires_rdt = bool(body["pii_requires_rdt"])
    return json_response({"pii_requires_rdt": rt.state.pii_requires_rdt})


async def new_order(request: web.Request) -> web.Response:
    """``POST /_emulator/orders`` with ``{"seller": "A1…" or a name, "channel": "MFN",
    "items": [{"sku": "…", "quantity": 1}], "marketplace_id": optional}``: an order now."""
    rt = request.app[RUNTIME]
    body = await _body(request)
    raw_items = body.get("items")
    if not isinstance(raw_items, list):
        raise web.HTTPBadRequest(text="items must be a list of {sku, quantity}")
    try:
        items = [(str(i["sku"]), int(i.get("quantity", 1))) for i in raw_items]
        order = rt.state.place_order(
            str(body.get("seller", "")),
            str(body.get("channel", "MFN")),
            items,
            rt.now(),
            str(body["marketplace_id"]) if body.get("marketplace_id") else None,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise web.HTTPBadRequest(text=f"cannot place the order: {exc}") from None
    return json_response({"orderId": order.order_id, "status": order.status}, 201)


def add_routes(app: web.Application) -> None:
    """The inspection routes (no auth; the emulator listens on localhost)."""
    app.router.add_get("/_emulator/state", get_state, name="emulator.state")
    app.router.add_get("/_emulator/faults", get_faults, name="emulator.faults")
    app.router.add_post("/_emulator/faults", set_faults, name="emulator.set_faults")
    app.router.add_post("/_emulator/advance", advance, name="emulator.advance")
    app.router.add_post("/_emulator/settings", settings, name="emulator.settings")
    app.router.add_post("/_emulator/orders", new_order, name="emulator.new_order")
