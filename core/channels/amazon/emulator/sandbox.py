"""``--sandbox``: answer exactly the static examples (``x-amzn-api-sandbox``) of Amazon's models."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from core.channels.amazon.emulator.http import json_response
from core.channels.amazon.emulator.runtime import RUNTIME, Runtime

# model file → the operation-key prefix the stateful routes use
MODEL_FILES = {
    "ordersV0.json": "ordersV0",
    "orders_2026-01-01.json": "orders2026",
    "tokens_2021-03-01.json": "tokens",
    "reports_2021-06-30.json": "reports",
    "feeds_2021-06-30.json": "feeds",
    "listingsItems_2021-08-01.json": "listings",
    "fbaInventory.json": "fbaInventory",
    "merchantFulfillmentV0.json": "mfn",
}
_METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True, slots=True)
class Example:
    """One static example: the parameters it needs and the answer it gives."""

    parameters: dict[str, Any]
    status: int
    response: Any

    @property
    def specificity(self) -> int:
        """How many parameters pin this example down (more wins)."""
        return sum(1 for p in self.parameters.values() if isinstance(p, dict) and "value" in p)


def load_examples(models: Path) -> dict[tuple[str, str], tuple[str, list[Example], set[str]]]:
    """(METHOD, path) → (operation key, examples, query parameter names) from the model files."""
    table: dict[tuple[str, str], tuple[str, list[Example], set[str]]] = {}
    for filename, api in MODEL_FILES.items():
        path = models / filename
        if not path.exists():
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        for route, ops in doc.get("paths", {}).items():
            for method, op in ops.items():
                if method not in _METHODS:
                    continue
                examples = [
                    Example(
                        ex.get("request", {}).get("parameters", {}), int(code), ex.get("response")
                    )
                    for code, resp in op.get("responses", {}).items()
                    for ex in resp.get("x-amzn-api-sandbox", {}).get("static", [])
                ]
                query = {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}
                table[(method.upper(), route)] = (f"{api}.{op.get('operationId')}", examples, query)
    return table


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, list):
        return [str(v) for v in expected] == [
            str(v) for v in (actual if isinstance(actual, list) else [actual])
        ]
    return str(expected) == str(
        actual[0] if isinstance(actual, list) and len(actual) == 1 else actual
    )


async def _matches(request: web.Request, example: Example, query: set[str]) -> bool:
    for name, spec in example.parameters.items():
        if not isinstance(spec, dict) or "value" not in spec:
            continue
        expected = spec["value"]
        if name in ("body", "payload") or (
            name not in request.match_info and name not in query and name not in request.query
        ):
            try:
                body = json.loads(await request.read() or b"null")
            except ValueError:
                return False
            if body != expected:
                return False
        elif name in request.match_info:
            if request.match_info[name] != str(expected):
                return False
        else:
            raw = request.query.getall(name, [])
            values = [v for r in raw for v in r.split(",")] if isinstance(expected, list) else raw
            if not raw or not _same(expected, values):
                return False
    return True


async def respond(request: web.Request, op: str) -> web.StreamResponse:
    """The most specific static example matching the request, or 400 when none does."""
    rt = request.app[RUNTIME]
    route = request.match_info.route.resource.canonical if request.match_info.route.resource else ""
    entry = rt.sandbox_examples.get((request.method, route)) if rt.sandbox_examples else None
    if entry is not None:
        _, examples, query = entry
        for example in sorted(examples, key=lambda e: -e.specificity):
            if await _matches(request, example, query):
                if example.status == 204 or example.response is None:
                    return web.Response(status=example.status)
                return json_response(example.response, example.status)
    return json_response(
        {
            "errors": [
                {
                    "code": "InvalidInput",
                    "message": "Invalid Input",
                    "details": "No sandbox example matches this request.",
                }
            ]
        },
        400,
    )


async def _not_used(
    request: web.Request,
) -> web.StreamResponse:  # the middleware answers sandbox routes
    raise web.HTTPInternalServerError()


def add_sandbox_routes(app: web.Application, runtime: Runtime) -> None:
    """Routes for every operation in the models (the middleware answers them with ``respond``)."""
    from core.channels.amazon.emulator.server import models_dir

    folder = models_dir()
    if not folder.is_dir():
        raise FileNotFoundError(
            f"sandbox mode needs Amazon's models in {folder} (set PACKDESK_SPAPI_MODELS)"
        )
    runtime.sandbox_examples = load_examples(folder)
    for (method, route), (op, _, _) in sorted(
        runtime.sandbox_examples.items(), key=lambda kv: kv[0][1].count("{")
    ):
        app.router.add_route(method, route, _not_used, name="api." + op)
