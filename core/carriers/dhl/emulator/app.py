"""The emulated DHL endpoints: version, orders (create, validate, labels again, cancel),
manifests, token."""

from __future__ import annotations

import base64
import binascii
import secrets
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from core.carriers.dhl.emulator.labels import LabelText, merge_pdfs, render_pdf, render_zpl
from core.carriers.dhl.emulator.rules import check_shipment
from core.carriers.dhl.emulator.state import BASE, DhlShipment, DhlState, Exchange
from core.carriers.dhl.products import PRODUCTS

TOKEN = "/parcel/de/account/auth/ropc/v1/token"
# the print format a request names → how the answer's Document names it (DHL's spec enums)
SHOWN = {
    "A4": "A4", "910-300-700": "910-300-700", "910-300-700-oz": "910-300-700-oZ/oz",
    "910-300-300": "910-300-300", "910-300-300-oz": "910-300-300-oz",
    "910-300-710": "910-300-710", "910-300-600": "910-300-600/610",
    "910-300-610": "910-300-600/610", "910-300-400": "910-300-400/410",
    "910-300-410": "910-300-400/410", "100x70mm": "100x70mm",
}  # fmt: skip

DHL_STATE: web.AppKey[DhlState] = web.AppKey("packdesk_dhl_state", DhlState)
USER = "packdesk_dhl_user"  # request key: the customer the request authenticated as


def _status(code: int, title: str, detail: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"title": title, "statusCode": code}
    if detail:
        out["detail"] = detail[:80]
    return out


def _problem(code: int, title: str, detail: str) -> web.Response:
    return web.json_response(
        {"status": _status(code, title, detail)},
        status=code,
        content_type="application/problem+json",
    )


def _user(request: web.Request, state: DhlState) -> str | None:
    """The DHL customer a request authenticates as (partner API key + user), or None."""
    if request.headers.get("dhl-api-key") != state.api_key:
        return None
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        return state.tokens.get(auth[7:])
    if auth.startswith("Basic "):
        try:
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        known = state.users.get(user, ("", ""))[0]
        return user if known and secrets.compare_digest(password, known) else None
    return None


def _own(request: web.Request, number: str) -> DhlShipment | None:
    """The shipment of this number if the calling customer booked it (others' are unknown)."""
    found = request.app[DHL_STATE].shipments.get(number)
    return found if found is not None and found.user == request[USER] else None


@web.middleware
async def dhl_auth(request: web.Request, handler: Any) -> web.StreamResponse:
    if not request.path.startswith(BASE):
        return await handler(request)  # type: ignore[no-any-return]
    state = request.app[DHL_STATE]
    body = await request.read()
    request[USER] = _user(request, state)
    if request.path.rstrip("/") != BASE and request[USER] is None:
        response: web.StreamResponse = web.json_response(
            _status(401, "Unauthorized", "The API key, user or password is not valid."),
            status=401,
            content_type="application/problem+json",
        )
    else:
        response = await handler(request)
    answer = response.body if isinstance(response, web.Response) else b""
    state.exchanges.append(
        Exchange(
            request.method,
            request.path,
            request.query_string,
            dict(request.headers),
            body,
            response.status,
            response.content_type,
            bytes(answer) if isinstance(answer, bytes | bytearray) else b"",
        )
    )
    return response


async def token(request: web.Request) -> web.Response:
    state = request.app[DHL_STATE]
    form = await request.post()
    user = state.user_of(str(form.get("username", "")), str(form.get("password", "")))
    if form.get("grant_type") != "password" or form.get("client_id") != state.api_key or not user:
        return web.json_response(
            {"error": "invalid_grant", "error_description": "wrong user or password"}, status=401
        )
    issued = secrets.token_urlsafe(24)
    state.tokens[issued] = user
    return web.json_response({"access_token": issued, "token_type": "Bearer", "expires_in": 1799})


async def version(request: web.Request) -> web.Response:
    amp = {"name": "pp-parcel-shipping-v2", "version": "v2.1.12", "rev": "emu", "env": "emu"}
    return web.json_response({"amp": amp})


def _lines(address: dict[str, Any]) -> tuple[str, ...]:
    street = " ".join(str(address.get(k, "")) for k in ("addressStreet", "addressHouse")).strip()
    town = f"{address.get('postalCode', '')} {address.get('city', '')}".strip()
    rows = [address.get("name1"), address.get("name2"), street, town, address.get("country")]
    return tuple(str(r) for r in rows if r)


def _texts(number: str, return_no: str, body: dict[str, Any]) -> list[LabelText]:
    weight = (body.get("details") or {}).get("weight") or {}
    texts = [
        LabelText(
            shipment_no=number,
            product=PRODUCTS[str(body["product"])].name,
            ship_to=_lines(body.get("consignee") or {}),
            ship_from=_lines(body.get("shipper") or {}),
            weight=f"{weight.get('value', '')} {weight.get('uom', '')}",
            reference=str(body.get("refNo", "")),
            routing_code="",
        )
    ]
    if return_no:
        retoure = (body.get("services") or {}).get("dhlRetoure") or {}
        texts.append(
            LabelText(
                shipment_no=return_no,
                product="DHL Retoure",
                ship_to=_lines(retoure.get("returnAddress") or body.get("shipper") or {}),
                ship_from=_lines(body.get("consignee") or {}),
                weight="",
                reference=str(retoure.get("refNo") or body.get("refNo", "")),
                routing_code="",
            )
        )
    return texts


def _document(texts: list[LabelText], doc_format: str, print_format: str) -> dict[str, Any]:
    """One document for the labels given (label and return label when printed combined)."""
    if doc_format == "ZPL2":
        zpl = "".join(render_zpl(t) for t in texts)
        return {"zpl2": zpl, "fileFormat": "ZPL2", "printFormat": "910-300-700"}
    medium = print_format or "910-300-700"
    shown = SHOWN.get(medium, "A4")
    pdf = base64.b64encode(merge_pdfs([render_pdf(t, medium) for t in texts])).decode()
    return {"b64": pdf, "fileFormat": "PDF", "printFormat": shown}


def _labels(shipment: DhlShipment, request: web.Request) -> dict[str, Any]:
    """Numbers and documents of one shipment, as `POST /orders` and `GET /orders` give them."""
    doc_format = request.query.get("docFormat", "PDF")
    print_format = request.query.get("printFormat", "")
    body = shipment.body
    item: dict[str, Any] = {"shipmentNo": shipment.number,
                            "routingCode": "40327653113+99000933090010"}  # fmt: skip
    if body.get("refNo"):
        item["shipmentRefNo"] = str(body["refNo"])
    texts = _texts(shipment.number, shipment.return_no, body)
    if shipment.return_no:
        item["returnShipmentNo"] = shipment.return_no
    if request.query.get("combine", "true") == "true":
        item["label"] = _document(texts, doc_format, print_format)
    else:
        item["label"] = _document(texts[:1], doc_format, print_format)
        if shipment.return_no:
            item["returnLabel"] = _document(texts[1:], doc_format, print_format)
    return item


def _answer(items: list[dict[str, Any]], failed: int) -> web.Response:
    """200 for one good item, 207 for several or a mix, 400 when every one failed."""
    if items and failed == len(items):
        code, title = 400, "Bad Request"
    elif len(items) > 1:
        code, title = 207, "Multi-status"
    else:
        code, title = 200, "OK"
    return web.json_response(
        {"status": _status(code, title), "items": items},
        status=code,
        content_type="application/problem+json" if code == 400 else "application/json",
    )


async def get_orders(request: web.Request) -> web.Response:
    """Labels again for shipments not yet closed; the spec takes shipment numbers only."""
    numbers = request.query.getall("shipment", [])
    if not 1 <= len(numbers) <= 30:
        return _problem(400, "Bad Request", "shipment: 1 to 30 shipment numbers are required.")
    items, failed = [], 0
    for number in numbers:
        found = _own(request, number)
        if found is None or found.cancelled:
            failed += 1
            items.append(
                {"shipmentNo": number, "sstatus": _status(400, "Unknown shipment number.")}
            )
        elif found.manifested:
            failed += 1
            items.append({"shipmentNo": number,
                          "sstatus": _status(400, "Shipment already closed out.")})  # fmt: skip
        else:
            items.append({**_labels(found, request), "sstatus": _status(200, "OK")})
    return _answer(items, failed)


async def create_orders(request: web.Request) -> web.Response:
    state = request.app[DHL_STATE]
    try:
        payload = await request.json()
    except ValueError:
        return _problem(400, "Bad Request", "The request body is not JSON.")
    shipments = payload.get("shipments") if isinstance(payload, dict) else None
    if not isinstance(shipments, list) or not 1 <= len(shipments) <= 30:
        return _problem(400, "Bad Request", "shipments: 1 to 30 shipments are required.")
    validate = request.query.get("validate") == "true"
    items, failed = [], 0
    for body in shipments:
        messages = check_shipment(body, state.users[request[USER]][1])
        errors = [m for m in messages if m["validationState"] == "Error"]
        if errors:
            failed += 1
            items.append({"sstatus": _status(400, "Bad Request", errors[0]["validationMessage"]),
                          "validationMessages": messages})  # fmt: skip
            continue
        item: dict[str, Any] = {"sstatus": _status(200, "OK")}
        if messages:
            item["validationMessages"] = messages
        if not validate:
            number = state.next_number()
            retoure = bool((body.get("services") or {}).get("dhlRetoure"))
            made = DhlShipment(number, body, datetime.now(UTC).isoformat(),
                               return_no=state.next_number() if retoure else "",
                               user=request[USER])  # fmt: skip
            state.shipments[number] = made
            item.update(_labels(made, request))
        items.append(item)
    if state.hold is not None and not validate:
        await state.hold.wait()  # the shipment exists at "DHL"; its answer is held back
    if failed == len(shipments):
        code, title = 400, "Bad Request"
    elif failed:
        code, title = 207, "Multi-status"
    else:
        code, title = 200, "OK"
    return web.json_response(
        {"status": _status(code, title), "items": items},
        status=code,
        content_type="application/problem+json" if code == 400 else "application/json",
    )


async def delete_orders(request: web.Request) -> web.Response:
    if not request.query.get("profile"):
        return _problem(400, "Bad Request", "profile is required.")
    numbers = request.query.getall("shipment", [])
    items, failed = [], 0
    for number in numbers:
        found = _own(request, number)
        if found is None or found.cancelled:
            failed += 1
            items.append(
                {"shipmentNo": number, "sstatus": _status(400, "Unknown shipment number.")}
            )
        elif found.manifested:
            failed += 1
            items.append({"shipmentNo": number,
                          "sstatus": _status(400, "Shipment already closed out.")})  # fmt: skip
        else:
            found.cancelled = True
            items.append({"shipmentNo": number, "sstatus": _status(200, "OK")})
    code = 400 if failed == len(numbers) else 207 if failed else 200
    return web.json_response(
        {"status": _status(code, "OK" if code == 200 else "Bad Request"), "items": items},
        status=code,
        content_type="application/problem+json" if code == 400 else "application/json",
    )


async def post_manifests(request: web.Request) -> web.Response:
    state = request.app[DHL_STATE]
    payload = await request.json()
    wanted = payload.get("shipmentNumbers") if isinstance(payload, dict) else None
    items = []
    for shipment in state.open_shipments():
        mine = shipment.user == request[USER]
        if not mine or shipment.manifested or (wanted and shipment.number not in wanted):
            continue
        shipment.manifested = True
        items.append({"shipmentNo": shipment.number, "sstatus": _status(200, "OK")})
    for number in wanted or []:
        if number not in {it["shipmentNo"] for it in items}:
            items.append({"shipmentNo": number, "sstatus": _status(400, "Not found or closed.")})
    return web.json_response({"status": _status(207, "Multi-status"), "items": items}, status=207)


def add_routes(app: web.Application, seed: int = 1) -> DhlState:
    """Mount DHL's API on `app` (the Amazon emulator's, so one port serves both)."""
    state = DhlState.seeded(seed)
    app[DHL_STATE] = state
    app.middlewares.append(dhl_auth)
    app.router.add_post(TOKEN, token)
    app.router.add_get(BASE + "/", version)
    app.router.add_get(BASE + "/orders", get_orders)
    app.router.add_post(BASE + "/orders", create_orders)
    app.router.add_delete(BASE + "/orders", delete_orders)
    app.router.add_post(BASE + "/manifests", post_manifests)
    return state
