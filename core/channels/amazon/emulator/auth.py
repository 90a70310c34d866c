"""Login with Amazon (``POST /auth/o2/token``), access tokens and restricted data tokens."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from aiohttp import web

if TYPE_CHECKING:
    from core.channels.amazon.emulator.runtime import Runtime

TOKEN_LIFETIME = 3600
DENIED = "Access to requested resource is denied."


@dataclass(slots=True)
class Grant:
    """What an access token (LWA ``Atza|`` or RDT ``Atz.sprdt|``) stands for."""

    seller_id: str | None  # None for grantless (client_credentials) tokens
    expires: float
    kind: str = "lwa"  # lwa | rdt
    # RDT: (method, path regex, data elements)
    resources: list[tuple[str, re.Pattern[str], frozenset[str]]] = field(default_factory=list)

    def covers(self, method: str, path: str) -> frozenset[str] | None:
        """Data elements an RDT grants for this call; None when it does not cover it."""
        for res_method, pattern, elements in self.resources:
            if res_method == method and pattern.fullmatch(path):
                return elements
        return None


def resource_pattern(path: str) -> re.Pattern[str]:
    """An RDT path (``{orderId}`` literal braces mean any one segment) as a regex."""
    parts = re.split(r"(\{[^/{}]+\})", path)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts if p))


class TokenStore:
    """Issued tokens; expiry is checked against the emulator clock."""

    def __init__(self) -> None:
        self._grants: dict[str, Grant] = {}

    def issue(self, grant: Grant, prefix: str = "Atza|") -> str:
        """A new token for ``grant``."""
        token = prefix + secrets.token_urlsafe(48)
        self._grants[token] = grant
        return token

    def get(self, token: str) -> Grant | None:
        """The grant behind a token, expired or not."""
        return self._grants.get(token)

    def expire_all(self) -> None:
        """Make every issued token expired (a test hook)."""
        for grant in self._grants.values():
            grant.expires = 0.0


def lwa_error(status: int, error: str, description: str) -> web.Response:
    """An OAuth2 error body as LWA sends it."""
    return web.Response(
        text=json.dumps({"error_description": description, "error": error}),
        status=status,
        content_type="application/json",
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


async def _form(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    text = raw.decode("utf-8", "replace")
    if request.content_type == "application/json" or text.lstrip().startswith("{"):
        try:
            body = json.loads(text)
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}
    return dict(parse_qsl(text, keep_blank_values=True))


async def token_endpoint(request: web.Request) -> web.StreamResponse:
    """``POST /auth/o2/token``: refresh_token and client_credentials grants, form or JSON body."""
    from core.channels.amazon.emulator.runtime import RUNTIME

    rt: Runtime = request.app[RUNTIME]
    fault = rt.faults.pick("lwa.token", frozenset({"invalid_grant", "500", "503", "slow", "reset"}))
    if fault is not None and fault.mode == "invalid_grant":
        return lwa_error(
            400,
            "invalid_grant",
            "The request has an invalid grant parameter : refresh_token. User may have revoked or didn't grant the permission.",
        )
    if fault is not None:
        from core.channels.amazon.emulator.app import apply_transport_fault

        early = await apply_transport_fault(request, fault)
        if early is not None:
            return early
    body = await _form(request)
    grant_type = str(body.get("grant_type", ""))
    if grant_type not in ("refresh_token", "client_credentials"):
        if not grant_type:
            return lwa_error(
                400, "invalid_request", "The request is missing a required parameter : grant_type."
            )
        return lwa_error(
            400,
            "unsupported_grant_type",
            f"The authorization grant type is not supported : {grant_type}.",
        )
    if body.get("client_id") != rt.client_id or body.get("client_secret") != rt.client_secret:
        return lwa_error(401, "invalid_client", "Client authentication failed")
    now = rt.clock.now()
    if grant_type == "client_credentials":
        scope = str(body.get("scope", ""))
        if not scope:
            return lwa_error(400, "invalid_scope", "The request has an invalid parameter : scope")
        token = rt.tokens.issue(Grant(None, now + TOKEN_LIFETIME))
        answer: dict[str, Any] = {
            "access_token": token,
            "scope": scope,
            "token_type": "bearer",
            "expires_in": TOKEN_LIFETIME,
        }
    else:
        refresh = str(body.get("refresh_token", ""))
        account = next((a for a in rt.state.accounts if a.refresh_token == refresh), None)
        if account is None:
            return lwa_error(
                400,
                "invalid_grant",
                "The request has an invalid grant parameter : refresh_token. User may have revoked or didn't grant the permission.",
            )
        token = rt.tokens.issue(Grant(account.seller_id, now + TOKEN_LIFETIME))
        answer = {
            "access_token": token,
            "refresh_token": refresh,
            "token_type": "bearer",
            "expires_in": TOKEN_LIFETIME,
        }
    return web.Response(
        text=json.dumps(answer),
        content_type="application/json",
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )
