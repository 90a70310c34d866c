"""The aiohttp application: one middleware does what every SP-API route shares."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from core.channels.amazon.emulator import auth
from core.channels.amazon.emulator.faults import FaultRule
from core.channels.amazon.emulator.hostile import HOSTILE_MODES, hostile_answer
from core.channels.amazon.emulator.http import ApiError, json_response
from core.channels.amazon.emulator.runtime import RUNTIME, Runtime
from core.channels.amazon.emulator.usage import rate_header

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
GRANT: web.RequestKey[auth.Grant] = web.RequestKey("grant", auth.Grant)
_RATE_HEADER_STATUSES = frozenset({400, 404})
# Notifications API operations that take a client_credentials (grantless) token
GRANTLESS = frozenset(
    "notifications." + name
    for name in (
        "getDestinations",
        "createDestination",
        "getDestination",
        "deleteDestination",
        "getSubscriptionById",
        "deleteSubscriptionById",
    )
)


def _denied(details: str | None) -> web.Response:
    error = {"message": auth.DENIED, "code": "Unauthorized", "details": details or ""}
    return json_response({"errors": [error]}, 403)


def quota_exceeded() -> web.Response:
    """Amazon's 429 answer."""
    error = {
        "code": "QuotaExceeded",
        "message": "You exceeded your quota for the requested resource.",
        "details": "",
    }
    return json_response({"errors": [error]}, 429)


async def apply_transport_fault(
    request: web.Request, fault: FaultRule
) -> web.StreamResponse | None:
    """Faults that replace or delay the answer; None means carry on (after a ``slow`` pause)."""
    if fault.mode == "slow":
        await asyncio.sleep(fault.seconds)
        return None
    if fault.mode == "429":
        return quota_exceeded()
    if fault.mode == "400":
        return json_response(
            {
                "errors": [
                    {
                        "code": "InvalidInput",
                        "message": "One or more request parameters is invalid.",
                        "details": "",
                    }
                ]
            },
            400,
        )
    if fault.mode == "500":
        return json_response(
            {
                "errors": [
                    {
                        "code": "InternalFailure",
                        "message": "We encountered an internal error. Please try again.",
                        "details": "",
                    }
                ]
            },
            500,
        )
    if fault.mode == "503":
        return json_response(
            {
                "errors": [
                    {
                        "code": "ServiceUnavailable",
                        "message": "Service temporarily unavailable. Please try again.",
                        "details": "",
                    }
                ]
            },
            503,
        )
    if fault.mode == "reset":
        if request.transport is not None:
            request.transport.abort()  # the client sees the connection drop; nothing more is sent
        return web.Response(status=500)
    return None


def _corrupt(response: web.StreamResponse, fault: FaultRule) -> web.StreamResponse:
    if not isinstance(response, web.Response) or response.body is None or response.status == 204:
        return response
    body = response.body if isinstance(response.body, bytes) else b""
    broken = (
        body[: max(1, len(body) // 2)]
        if fault.mode == "truncated"
        else b'<html><body><h1>502 Bad Gateway</h1>{"payload":'
    )
    return web.Response(body=broken, status=response.status, content_type="application/json")


@web.middleware
async def sp_api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Auth, usage plans, faults and the ``x-amzn-*`` headers around every SP-API operation."""
    rt = request.app[RUNTIME]
    op = request.match_info.route.name
    request_id = rt.request_id()
    if op is None or not op.startswith("api."):
        response = await handler(request)
        response.headers["x-amzn-RequestId"] = request_id
        return response
    op = op[4:]
    fault = rt.faults.pick(op)
    if fault is not None and fault.mode in HOSTILE_MODES:
        response = await hostile_answer(
            request, fault, lambda r: _guarded(r, handler, rt, op, None)
        )
    else:
        response = await _guarded(request, handler, rt, op, fault)
    grant = request.get(GRANT)
    rt.calls.append(
        (
            time.monotonic(),
            str(grant.seller_id) if grant is not None else "",
            op,
            request.headers.get("x-amz-access-token", "")[-12:],
            response.status,
        )
    )
    del rt.calls[:-100_000]  # bounded: a long demo must not grow without end
    response.headers["x-amzn-RequestId"] = request_id
    if 200 <= response.status < 300 or response.status in _RATE_HEADER_STATUSES:
        response.headers["x-amzn-RateLimit-Limit"] = rate_header(rt.usage.plan(op)[0])
    return response


async def _guarded(
    request: web.Request, handler: Handler, rt: Runtime, op: str, fault: FaultRule | None
) -> web.StreamResponse:
    token = request.headers.get("x-amz-access-token")
    if not token:
        return _denied("Access token is missing in the request header.")
    grant = rt.tokens.get(token)
    if grant is None:
        return _denied("The access token you provided is revoked, malformed or invalid.")
    if (fault is not None and fault.mode == "expired_token") or grant.expires <= rt.clock.now():
        return _denied("The access token you provided has expired.")
    if grant.kind == "rdt" and grant.covers(request.method, request.path) is None:
        return _denied("The restricted data token does not grant access to this resource.")
    if grant.seller_id is None and op not in GRANTLESS:
        return _denied("This operation requires a seller-authorized access token.")
    request[GRANT] = grant
    if not rt.usage.allow(grant.seller_id or "grantless", op):
        return quota_exceeded()
    if fault is not None:
        early = await apply_transport_fault(request, fault)
        if early is not None:
            return early
    rt.now()
    try:
        if rt.sandbox:
            from core.channels.amazon.emulator.sandbox import respond

            response: web.StreamResponse = await respond(request, op)
        else:
            response = await handler(request)
    except ApiError as exc:
        response = exc.response()
    if fault is not None and fault.mode in ("truncated", "malformed"):
        response = _corrupt(response, fault)
    return response


def build_app(runtime: Runtime) -> web.Application:
    """The emulator as an aiohttp application (for ``aiohttp.test_utils`` or any runner)."""
    from core.channels.amazon.emulator import (
        documents,
        feeds,
        inspect,
        inventory,
        listings,
        mfn,
        notifications,
        orders_2026,
        orders_v0,
        rejections,
        reports,
        shipping_v2,
        tokens,
    )

    app = web.Application(middlewares=[sp_api_middleware], client_max_size=32 * 1024**2)
    app[RUNTIME] = runtime
    app.router.add_post("/auth/o2/token", auth.token_endpoint, name="lwa.token")
    if runtime.sandbox:
        from core.channels.amazon.emulator.sandbox import add_sandbox_routes

        add_sandbox_routes(app, runtime)
    else:
        modules = (
            orders_v0,
            orders_2026,
            tokens,
            reports,
            feeds,
            listings,
            inventory,
            mfn,
            shipping_v2,
        )
        for module in (*modules, notifications):
            for method, path, handler, name in module.ROUTES:
                app.router.add_route(method, path, handler, name="api." + name)
    documents.add_routes(app)
    inspect.add_routes(app)
    from core.channels.amazon.emulator import ecb

    ecb.add_routes(app, runtime.now)  # the ECB's reference rates, offline
    from core.carriers.dhl.emulator import add_routes as add_dhl_routes

    add_dhl_routes(app, runtime.seed)  # DHL Parcel DE on the same port
    rejections.add_routes(app)
    from core.channels.amazon.emulator import vat_invoices

    vat_invoices.add_routes(app)
    return app
