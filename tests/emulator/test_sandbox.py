"""``--sandbox`` replays every static example of Amazon's models exactly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from core.channels.amazon.emulator import run_emulator
from core.channels.amazon.emulator.sandbox import MODEL_FILES
from tests.emulator.conftest import Api

pytestmark = pytest.mark.network


def examples(models: Path) -> list[tuple[str, str, dict[str, Any], int, Any, dict[str, Any]]]:
    found = []
    for filename in MODEL_FILES:
        doc = json.loads((models / filename).read_text(encoding="utf-8"))
        for route, ops in doc["paths"].items():
            for method, op in ops.items():
                if method not in ("get", "put", "post", "delete", "patch"):
                    continue
                params = {p["name"]: p for p in op.get("parameters", [])}
                for code, resp in op["responses"].items():
                    for ex in resp.get("x-amzn-api-sandbox", {}).get("static", []):
                        found.append(
                            (
                                method.upper(),
                                route,
                                ex["request"].get("parameters", {}),
                                int(code),
                                ex.get("response"),
                                params,
                            )
                        )
    return found


async def test_every_static_example_replays(models: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACKDESK_SPAPI_MODELS", str(models))
    cases = examples(models)
    assert len(cases) > 80
    async with (
        run_emulator(seed=1, accounts=1, orders=0, sandbox=True, limits=False) as emu,
        aiohttp.ClientSession() as session,
    ):
        api = Api(emu, session)
        await api.login()
        for method, route, given, code, response, declared in cases:
            path, query, body = route, {}, None
            for name, spec in declared.items():
                where = spec.get("in")
                value = (
                    given.get(name, {}).get("value") if isinstance(given.get(name), dict) else None
                )
                if where == "path":
                    path = path.replace(
                        "{" + name + "}", str(value) if value is not None else "SANDBOX"
                    )
                elif where == "query" and value is not None:
                    query[name] = (
                        ",".join(map(str, value)) if isinstance(value, list) else str(value)
                    )
                elif where == "body" and value is None:
                    value = next(
                        (
                            v.get("value")
                            for k, v in given.items()
                            if k in ("body", "payload") and isinstance(v, dict)
                        ),
                        None,
                    )
                    body = value
                elif where == "body":
                    body = value
            if body is None and isinstance(given.get("body"), dict):
                body = given["body"].get("value")
            status, answer, headers = await api.call(method, path, params=query, body=body)
            assert status == code, f"{method} {route} {given}: {status} {answer}"
            expected = (
                None
                if response in (None, {}) and code in (200, 204) and answer is None
                else response
            )
            if not (response == {} and answer is None):
                assert answer == expected, f"{method} {route}"
            assert headers["x-amzn-RequestId"]
