"""A hostile server on request: pagination that never ends or repeats, huge answers, wrong types.

These are not Amazon's habits; they are what a broken proxy, a bug on Amazon's side or an
attacker in the path can send, and a client must end each of them with a sentence.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from core.channels.amazon.emulator.faults import FaultRule

HOSTILE_MODES = frozenset({"endless_pages", "repeat_token", "huge", "wrong_types", "late"})
TOKEN_KEYS = ("nextToken", "NextToken", "paginationToken", "pageToken")
_counter = [0]


def _with_token(body: Any, token: str) -> Any:
    if not isinstance(body, dict):
        return body
    if isinstance(body.get("payload"), dict):
        body["payload"]["NextToken"] = token
    else:
        body["pagination"] = {"nextToken": token}
    return body


def _scramble(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("wrong" if isinstance(v, list | dict) else v) for k, v in value.items()}
    return "wrong"


async def hostile_answer(
    request: web.Request,
    fault: FaultRule,
    answer: Callable[[web.Request], Awaitable[web.StreamResponse]],
) -> web.StreamResponse:
    """Answer the request as usual, then spoil the answer as `fault` says."""
    if fault.mode in ("endless_pages", "repeat_token"):
        # Every page is the first page again; only the token tells the client to go on.
        query = {k: v for k, v in request.query.items() if k not in TOKEN_KEYS}
        request = request.clone(rel_url=request.rel_url.with_query(query))
    response = await answer(request)
    if fault.mode == "late":  # the work is done (a label bought), the answer comes late or never
        await asyncio.sleep(fault.seconds)
        return response
    if not isinstance(response, web.Response) or not isinstance(response.body, bytes):
        return response
    if response.status >= 300:
        return response
    try:
        body = json.loads(response.body)
    except ValueError:
        return response
    if fault.mode == "endless_pages":
        _counter[0] += 1
        body = _with_token(body, f"endless-{_counter[0]}")
    elif fault.mode == "repeat_token":
        body = _with_token(body, "the-same-token")
    elif fault.mode == "wrong_types":
        body = _scramble(body)
    raw = json.dumps(body).encode()
    if fault.mode == "huge":
        raw = raw[:-1] + b', "padding": "' + b" " * max(0, fault.size - len(raw)) + b'"}'
    return web.Response(body=raw, status=response.status, content_type="application/json")
