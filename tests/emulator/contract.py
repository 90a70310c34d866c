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
