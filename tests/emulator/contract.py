"""Validate emulator answers against the response schemas in Amazon's Swagger models."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema


@cache
def _doc(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def response_schema(
    models: Path, file: str, method: str, route: str, status: int
) -> dict[str, Any] | None:
    """The response schema with the model's definitions attached, so ``#/definitions/…`` resolves."""
    doc = _doc(models / file)
    response = doc["paths"][route][method.lower()]["responses"][str(status)]
    schema = response.get("schema")
    if schema is None:
        return None
    return {**schema, "definitions": doc.get("definitions", {})}


def validate(models: Path, file: str, method: str, route: str, status: int, body: Any) -> None:
    """Raise if ``body`` does not follow the model's schema for that status."""
    schema = response_schema(models, file, method, route, status)
    if schema is None:
        assert body in (None, {}, ""), f"{method} {route} {status} has no schema but a body"
        return
    jsonschema.Draft4Validator(schema).validate(body)


def validate_request(
    models: Path, file: str, method: str, route: str, body: Any, headers: dict[str, str]
) -> None:
    """Raise if a request's body or headers break the operation's parameters in the model."""
    doc = _doc(models / file)
    operation = doc["paths"][route][method.lower()]
    sent = {k.lower(): v for k, v in headers.items()}
    for param in operation.get("parameters", []):
        if param["in"] == "body":
            if body is None:
                assert not param.get("required"), f"{method} {route} needs a body"
                continue
            schema = {**param["schema"], "definitions": doc.get("definitions", {})}
            jsonschema.Draft4Validator(schema).validate(body)
        elif param["in"] == "header":
            value = sent.get(param["name"].lower())
            if value is None:
                assert not param.get("required"), f"{method} {route} needs {param['name']}"
                continue
            jsonschema.Draft4Validator(
                {k: v for k, v in param.items() if k in ("type", "enum")}
            ).validate(value)
