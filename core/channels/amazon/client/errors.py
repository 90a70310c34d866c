"""Typed SP-API errors: status, Amazon's code, message and details, and the request id to quote."""

from __future__ import annotations

from typing import Any

from core.errors import Outcome, RemoteError


class SpApiError(RemoteError):
    """An SP-API call failed. `request_id` is what Amazon support asks for.

    The outcome of each subclass is the one mapping from Amazon's errors to wait / retry / fail.
    """

    retryable = False
    ambiguous = False  # True: the request may have been carried out although it failed

    def __init__(
        self,
        message: str,
        *,
        status: int = 0,
        code: str = "",
        details: str = "",
        request_id: str = "",
        operation: str = "",
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.request_id = request_id
        self.operation = operation
        super().__init__(self._sentence())

    def _sentence(self) -> str:
        parts = [f"{self.operation or 'SP-API'}: {self.message}"]
        if self.code:
            parts.append(f"[{self.code}]")
        if self.details:
            parts.append(f"({self.details})")
        if self.status:
            parts.append(f"HTTP {self.status}")
        if self.request_id:
            parts.append(f"request id {self.request_id}")
        return " ".join(parts)


class InvalidInputError(SpApiError):
    """400: Amazon refused what we sent; sending it again will not help."""

    outcome = Outcome.FAIL


class AuthorizationError(SpApiError):
    """403: the token is not accepted, or the app lacks the role for this operation."""


class NotFoundError(SpApiError):
    """404: no such order, report, listing …"""

    outcome = Outcome.FAIL


class ThrottledError(SpApiError):
    """429 after all retries: the usage plan is exhausted for now."""

    retryable = True
    outcome = Outcome.WAIT

    def __init__(self, message: str, *, retry_after_s: float = 60.0, **kw: Any) -> None:
        self.retry_after_s = retry_after_s
        self.wait_s = max(retry_after_s, 1.0)
        super().__init__(message, **kw)


class ServerError(SpApiError):
    """500/503 or a broken connection after all retries."""

    retryable = True


class UnreadableAnswer(ServerError):
    """Amazon answered 2xx, but not in the shape its models promise."""


def list_in(body: Any, key: str, operation: str) -> list[Any]:
    """`body[key]` when it is a list (missing: empty); anything else is an unreadable answer."""
    value = body.get(key) if isinstance(body, dict) else None
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise UnreadableAnswer(
            f"the answer's '{key}' is not a list of objects ({type(value).__name__}); "
            "nothing of it was imported",
            operation=operation,
        )
    return value


class CircuitOpenError(ThrottledError):
    """The operation failed repeatedly; calls are paused for a cool-down."""


class LwaError(SpApiError):
    """The Login with Amazon token endpoint refused the refresh token or the client."""

    def __init__(self, error: str, description: str, *, status: int = 0) -> None:
        self.error = error
        self.description = description
        super().__init__(description or error, status=status, code=error, operation="LWA token")


def error_for(
    status: int, body: Any, *, request_id: str, operation: str, retry_after_s: float = 60.0
) -> SpApiError:
    """The typed error for an SP-API error response (`{"errors": [{code, message, details}]}`)."""
    first: dict[str, Any] = {}
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
    code = str(first.get("code", "") or "")
    message = str(first.get("message", "") or f"HTTP {status}")
    details = str(first.get("details", "") or "")
    kw: dict[str, Any] = {
        "status": status,
        "code": code,
        "details": details,
        "request_id": request_id,
        "operation": operation,
    }
    if status == 429:
        return ThrottledError(message, retry_after_s=retry_after_s, **kw)
    if status in (401, 403):
        return AuthorizationError(message, **kw)
    if status == 404:
        return NotFoundError(message, **kw)
    if status >= 500:
        return ServerError(message, **kw)
    if 400 <= status < 500:
        return InvalidInputError(message, **kw)
    return SpApiError(message, **kw)
