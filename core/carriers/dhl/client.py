"""The Parcel DE Shipping API v2 over aiohttp: authentication and the calls Packdesk makes.

Authentication is the ``dhl-api-key`` header plus either HTTP Basic (the partner system's user and
password) or a bearer token from the OAuth2 password grant at
``/parcel/de/account/auth/ropc/v1/token`` (DHL's spec names both). DHL answers a refused shipment
with HTTP 400 or 207 and, per shipment, ``sstatus`` and ``validationMessages``; `DhlRefused` keeps
them and says them in words a packer can act on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from core.errors import PackdeskError, UserInputError

PRODUCTION = "https://api-eu.dhl.com/parcel/de/shipping/v2"
SANDBOX = "https://api-sandbox.dhl.com/parcel/de/shipping/v2"
TOKEN_PATH = "/parcel/de/account/auth/ropc/v1/token"
CREATION_SOFTWARE = "Packdesk"


@dataclass(frozen=True)
class DhlSettings:
    """One DHL business customer contract (secrets included: never log it)."""

    api_key: str
    username: str
    password: str
    ekp: str
    base_url: str = SANDBOX
    auth: str = "basic"  # basic | oauth
    participation: str = "01"
    profile: str = "STANDARD_GRUPPENPROFIL"
    print_format: str = "910-300-700"  # PDF medium when the label printer does not speak ZPL
    return_label: bool = False  # DHL Retoure with every parcel
    warenpost_up_to_g: int = 0  # Warenpost (V62WP/V66WPI) for parcels up to this weight
    services: dict[str, Any] = field(default_factory=dict)  # defaults, e.g. preferredNeighbour
    return_participation: str = "01"

    @property
    def token_url(self) -> str:
        """The token endpoint sits beside the API on the same host."""
        root = self.base_url.split("/parcel/de/", 1)[0]
        return root + TOKEN_PATH


def _message(item: dict[str, Any]) -> str:
    messages = [
        f"{m.get('property') or 'shipment'}: {m.get('validationMessage', '')}".strip()
        for m in item.get("validationMessages") or []
        if str(m.get("validationState", "Error")).lower() == "error"
    ]
    if not messages:
        status = item.get("sstatus") or {}
        messages = [str(status.get("detail") or status.get("title") or "refused")]
    return "; ".join(messages)


class DhlError(PackdeskError):
    """DHL could not be reached or answered in a way Packdesk did not expect (worth a retry).

    `ambiguous`: the request may have reached DHL and made a shipment (a lost answer)."""

    def __init__(self, message: str, *, ambiguous: bool = False) -> None:
        super().__init__(message)
        self.ambiguous = ambiguous


class DhlRefused(UserInputError):
    """DHL refused the shipment; the message names the fields, for the packer to correct."""

    def __init__(self, items: list[dict[str, Any]], status: int) -> None:
        self.items = items
        self.status = status
        refused = [it for it in items if (it.get("sstatus") or {}).get("statusCode", 400) >= 400]
        text = " | ".join(_message(it) for it in refused or items) or "the shipment was refused"
        super().__init__(f"DHL refused the label: {text}")


class DhlAuthFailed(UserInputError):
    """The API key, user or password is wrong."""


class DhlClient:
    """Calls against one DHL contract. The session belongs to the caller."""

    def __init__(self, session: aiohttp.ClientSession, settings: DhlSettings) -> None:
        self.session = session
        self.settings = settings
        self._token = ""
        self._token_until = 0.0

    async def _headers(self) -> dict[str, str]:
        s = self.settings
        headers = {"dhl-api-key": s.api_key, "Accept": "application/json"}
        if s.auth == "oauth":
            headers["Authorization"] = "Bearer " + await self._bearer()
        else:
            headers["Authorization"] = aiohttp.encode_basic_auth(s.username, s.password)
        return headers

    async def _bearer(self) -> str:
        if self._token and time.monotonic() < self._token_until:
            return self._token
        s = self.settings
        form = {
            "grant_type": "password",
            "username": s.username,
            "password": s.password,
            "client_id": s.api_key,
        }
        async with self.session.post(s.token_url, data=form) as resp:
            body = await resp.json(content_type=None)
            if resp.status != 200 or not isinstance(body, dict) or "access_token" not in body:
                raise DhlAuthFailed("DHL did not accept the user and password for a token.")
        self._token = str(body["access_token"])
        self._token_until = time.monotonic() + max(float(body.get("expires_in", 1800)) - 60, 30)
        return self._token

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: Any = None,
    ) -> tuple[int, Any]:
        url = self.settings.base_url.rstrip("/") + path
        try:
            async with self.session.request(
                method,
                url,
                params=params,
                json=body,
                headers=await self._headers(),
            ) as resp:
                data = await resp.json(content_type=None) if resp.content_length != 0 else None
                status = resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DhlError(
                f"DHL cannot be reached ({type(exc).__name__}); will try again."
            ) from exc
        except ValueError as exc:
            raise DhlError("DHL answered with something that is not JSON; will try again.") from exc
        if status == 401:
            raise DhlAuthFailed("DHL refused the API key, user or password (HTTP 401).")
        if status == 429 or status >= 500:
            raise DhlError(
                f"DHL is busy or failing (HTTP {status}); will try again.",
                ambiguous=status not in (429, 503),
            )
        return status, data

    async def version(self) -> dict[str, Any]:
        _, data = await self._call("GET", "/")
        return dict(data or {})

    async def create_orders(
        self,
        shipments: list[dict[str, Any]],
        *,
        validate: bool = False,
        doc_format: str = "PDF",
        print_format: str | None = None,
    ) -> list[dict[str, Any]]:
        """`POST /orders`; returns the items (one per shipment) or raises DhlRefused."""
        # with DHL Retoure the return label prints on the same document, to go in the parcel
        combine = "true" if self.settings.return_label else "false"
        params = {"docFormat": doc_format, "includeDocs": "include", "combine": combine}
        if validate:
            params["validate"] = "true"
        if print_format and doc_format == "PDF":
            params["printFormat"] = print_format
        status, data = await self._call(
            "POST",
            "/orders",
            params=params,
            body={"profile": self.settings.profile, "shipments": shipments},
        )
        items = list((data or {}).get("items") or [])
        if status not in (200, 207) or any(
            (it.get("sstatus") or {}).get("statusCode", 200) >= 400 for it in items
        ):
            raise DhlRefused(items or [{"sstatus": (data or {}).get("status") or {}}], status)
        return items

    async def labels_again(
        self, shipment_number: str, *, doc_format: str = "PDF", print_format: str | None = None
    ) -> dict[str, Any]:
        """`GET /orders`: the documents of a shipment made earlier (refused once it is closed)."""
        combine = "true" if self.settings.return_label else "false"
        params = {"shipment": shipment_number, "docFormat": doc_format, "combine": combine}
        if print_format and doc_format == "PDF":
            params["printFormat"] = print_format
        status, data = await self._call("GET", "/orders", params=params)
        items = list((data or {}).get("items") or [])
        if status != 200 or len(items) != 1 or items[0].get("shipmentNo") != shipment_number:
            raise DhlRefused(items or [{"sstatus": (data or {}).get("status") or {}}], status)
        return dict(items[0])

    async def cancel(self, shipment_numbers: list[str]) -> list[dict[str, Any]]:
        """`DELETE /orders`: void labels before closeout. An unknown number is refused."""
        params = [("profile", self.settings.profile)] + [("shipment", n) for n in shipment_numbers]
        url = self.settings.base_url.rstrip("/") + "/orders"
        try:
            async with self.session.delete(
                url, params=params, headers=await self._headers()
            ) as resp:
                data = await resp.json(content_type=None)
                status = resp.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise DhlError(f"DHL cannot be reached to cancel ({type(exc).__name__}).") from exc
        if status == 401:
            raise DhlAuthFailed("DHL refused the API key, user or password (HTTP 401).")
        if status >= 500 or status == 429:
            raise DhlError(f"DHL is busy or failing (HTTP {status}); will try again.")
        items = list((data or {}).get("items") or [])
        if status not in (200, 207) or any(
            (it.get("sstatus") or {}).get("statusCode", 200) >= 400 for it in items
        ):
            raise DhlRefused(items, status)
        return items

    async def closeout(self, shipment_numbers: list[str] | None = None) -> list[dict[str, Any]]:
        """`POST /manifests`: close the day (all open shipments, or the ones named)."""
        body: dict[str, Any] = {"profile": self.settings.profile}
        params = {}
        if shipment_numbers:
            body["shipmentNumbers"] = shipment_numbers
        else:
            params["all"] = "true"
        status, data = await self._call("POST", "/manifests", params=params, body=body)
        items = list((data or {}).get("items") or [])
        if status not in (200, 207):
            raise DhlRefused(items or [{"sstatus": (data or {}).get("status") or {}}], status)
        return items
