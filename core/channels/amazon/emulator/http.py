"""Wire helpers shared by all routes: Amazon's error bodies, JSON answers, query parsing."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from core.channels.amazon.emulator.clock import parse_iso

JSON_TYPE = "application/json"


class ApiError(Exception):
    """An SP-API error answer: ``{"errors": [{"code", "message", "details"}]}`` with a status."""

    def __init__(self, status: int, code: str, message: str, details: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    def response(self) -> web.Response:
        """The aiohttp response for this error."""
        error: dict[str, str] = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return json_response({"errors": [error]}, self.status)


def invalid(message: str, details: str | None = None) -> ApiError:
    """400 InvalidInput."""
    return ApiError(400, "InvalidInput", message, details)


def not_found(message: str = "Resource not found.") -> ApiError:
    """404 NotFound."""
    return ApiError(404, "NotFound", message)


def json_response(body: Any, status: int = 200) -> web.Response:
    """A JSON answer (UTF-8, non-ASCII kept as is, as Amazon sends it)."""
    return web.Response(
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
        status=status,
        content_type=JSON_TYPE,
    )


def no_content() -> web.Response:
    """204 with no body."""
    return web.Response(status=204)


async def json_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object, or 400 the way Amazon answers unparsable bodies."""
    try:
        body = await request.json(loads=json.loads)
    except (ValueError, UnicodeDecodeError):
        raise invalid("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.")
    return body


def q_list(request: web.Request, name: str) -> list[str]:
    """A csv array query parameter (repeated parameters are accepted too)."""
    values: list[str] = []
    for raw in request.query.getall(name, ()):
        values.extend(v for v in raw.split(",") if v)
    return values


def q_int(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within [low, high]."""
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(f"{name} must be an integer.", f"Invalid {name}: {raw!r}") from None
    if not low <= value <= high:
        raise invalid(f"{name} must be between {low} and {high}.", f"Invalid {name}: {value}")
    return value


def q_time(request: web.Request, name: str) -> float | None:
    """An ISO 8601 query parameter as epoch seconds (400 if malformed)."""
    raw = request.query.get(name)
    if raw is None:
        return None
    value = parse_iso(raw)
    if value is None:
        raise invalid("Invalid Input", f"{name} is not a valid ISO 8601 date-time: {raw!r}")
    return value


def check_enum(name: str, values: list[str], allowed: tuple[str, ...] | frozenset[str]) -> None:
    """400 unless every value is one of ``allowed``."""
    for value in values:
        if value not in allowed:
            raise invalid("Invalid Input", f"Invalid value {value!r} for {name}.")
