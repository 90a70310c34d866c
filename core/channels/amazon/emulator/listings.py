"""Listings Items API 2021-08-01: get, put, patch, delete, search; changes apply after a delay."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from core.channels.amazon.emulator.app import GRANT
from core.channels.amazon.emulator.clock import iso
from core.channels.amazon.emulator.http import (
    ApiError,
    check_enum,
    json_body,
    json_response,
    q_int,
    q_list,
)
from core.channels.amazon.emulator.listing_changes import fulfillment_availability, patch_problems
from core.channels.amazon.emulator.model import Listing, PendingListingChange
from core.channels.amazon.emulator.paging import page
from core.channels.amazon.emulator.rejections import listing_issue
from core.channels.amazon.emulator.runtime import RUNTIME, Runtime
from core.channels.amazon.emulator.seed import money
from core.channels.amazon.emulator.state import LISTING_APPLY_AFTER

BASE = "/listings/2021-08-01/items/{sellerId}"
INCLUDED = (
    "summaries",
    "attributes",
    "issues",
    "offers",
    "fulfillmentAvailability",
    "procurement",
    "relationships",
    "productTypes",
    "identifiers",
)
IDENTIFIER_TYPES = ("ASIN", "EAN", "FNSKU", "GTIN", "ISBN", "JAN", "MINSAN", "SKU", "UPC")


def _bad(details: str) -> ApiError:
    return ApiError(400, "BAD_REQUEST", "Invalid input", details)


def _seller(request: web.Request) -> str:
    seller = request.match_info["sellerId"]
    if seller != request[GRANT].seller_id:
        raise ApiError(
            403,
            "Unauthorized",
            "Access to requested resource is denied.",
            "The sellerId does not match the authorized selling partner.",
        )
    return seller


def _marketplaces(request: web.Request, rt: Runtime, seller: str) -> list[str]:
    mids = q_list(request, "marketplaceIds")
    if not mids:
        raise _bad("marketplaceIds is required.")
    account = rt.state.account(seller)
    for mid in mids:
        if account is None or mid not in account.marketplace_ids:
            raise _bad(f"Invalid marketplaceId: {mid}.")
    return mids


def item_json(listings: list[Listing], included: set[str]) -> dict[str, Any]:
    """The Item object for one SKU across the requested marketplaces."""
    out: dict[str, Any] = {"sku": listings[0].sku}
    if "summaries" in included:
        out["summaries"] = [
            {
                "marketplaceId": lst.marketplace_id,
                "asin": lst.asin,
                "productType": lst.product_type,
                "conditionType": "new_new",
                "status": list(lst.status),
                "fnSku": lst.fnsku,
                "itemName": lst.title,
                "createdDate": iso(lst.created),
                "lastUpdatedDate": iso(lst.updated),
            }
            for lst in listings
        ]
    if "attributes" in included:
        first = listings[0]
        attributes: dict[str, Any] = {
            "item_name": [
                {
                    "value": first.title,
                    "language_tag": "de_DE",
                    "marketplace_id": first.marketplace_id,
                }
            ],
            "fulfillment_availability": [
                {
                    "fulfillment_channel_code": f["fulfillmentChannelCode"],
                    **({"quantity": f["quantity"]} if "quantity" in f else {}),
                }
                for f in fulfillment_availability(first)
            ],
        }
        attributes.update({k: v for k, v in first.attributes.items() if k not in attributes})
        out["attributes"] = attributes
    if "issues" in included:
        out["issues"] = []
    if "offers" in included:
        from core.channels.amazon.emulator.marketplaces import MARKETPLACES

        out["offers"] = [
            {
                "marketplaceId": lst.marketplace_id,
                "offerType": "B2C",
                "price": {
                    "currencyCode": MARKETPLACES[lst.marketplace_id].currency,
                    "amount": money(lst.price),
                },
            }
            for lst in listings
        ]
    if "fulfillmentAvailability" in included:
        out["fulfillmentAvailability"] = [
            f for lst in listings[:1] for f in fulfillment_availability(lst)
        ]
    return out


async def get_item(request: web.Request) -> web.Response:
    """``GET …/items/{sellerId}/{sku}``."""
    rt = request.app[RUNTIME]
    seller = _seller(request)
    mids = _marketplaces(request, rt, seller)
    included = q_list(request, "includedData") or ["summaries"]
    check_enum("includedData", included, INCLUDED)
    sku = request.match_info["sku"]
    found = [lst for lst in rt.state.listings_of(seller, sku) if lst.marketplace_id in mids]
    if not found:
        raise ApiError(404, "NOT_FOUND", f"SKU '{sku}' not found in marketplace {','.join(mids)}")
    return json_response(item_json(found, set(included)))


async def _submit(request: web.Request, action: str) -> web.Response:
    rt = request.app[RUNTIME]
    seller = _seller(request)
    mids = _marketplaces(request, rt, seller)
    sku = request.match_info["sku"]
    body: dict[str, Any] = {} if action == "delete" else await json_body(request)
    problems: list[str] = []
    if action != "delete" and not body.get("productType"):
        problems.append("productType is required.")
    if action == "put" and not isinstance(body.get("attributes"), dict):
        problems.append("attributes is required.")
    if action == "patch":
        problems.extend(patch_problems(body.get("patches")))
    if action == "patch" and not problems and not rt.state.listings_of(seller, sku):
        problems.append(f"SKU '{sku}' does not exist; use putListingsItem to create it.")
    if action == "delete" and not rt.state.listings_of(seller, sku):
        raise ApiError(404, "NOT_FOUND", f"SKU '{sku}' not found.")
    submission_id = rt.state.new_uuid()
    issues = [
        {
            "code": "90220" if "required" in p else "4000001",
            "message": p,
            "severity": "ERROR",
            "categories": ["INVALID_ATTRIBUTE"],
        }
        for p in problems
    ]
    rejected = listing_issue(rt.state, seller, sku) if action != "delete" else None
    if rejected is not None:
        issues.append(rejected)
    answer: dict[str, Any] = {"sku": sku, "submissionId": submission_id, "issues": issues}
    if request.query.get("mode") == "VALIDATION_PREVIEW":
        answer["status"] = "INVALID" if issues else "VALID"
        return json_response(answer)
    if issues:
        answer["status"] = "INVALID"
        return json_response(answer)
    apply_at = rt.clock.now() + LISTING_APPLY_AFTER
    rt.state.pending_listing_changes.append(
        PendingListingChange(apply_at, seller, sku, mids, action, body, submission_id)
    )
    rt.state.wake(apply_at)
    answer["status"] = "ACCEPTED"
    return json_response(answer)


async def put_item(request: web.Request) -> web.Response:
    """``PUT …/items/{sellerId}/{sku}``."""
    return await _submit(request, "put")


async def patch_item(request: web.Request) -> web.Response:
    """``PATCH …/items/{sellerId}/{sku}``."""
    return await _submit(request, "patch")


async def delete_item(request: web.Request) -> web.Response:
    """``DELETE …/items/{sellerId}/{sku}``."""
    return await _submit(request, "delete")


def _identifier(lst: Listing, kind: str, ean: dict[str, str]) -> str:
    return {"ASIN": lst.asin, "FNSKU": lst.fnsku, "SKU": lst.sku}.get(kind, ean.get(lst.sku, ""))


async def search_items(request: web.Request) -> web.Response:
    """``GET …/items/{sellerId}``."""
    rt = request.app[RUNTIME]
    seller = _seller(request)
    mids = _marketplaces(request, rt, seller)
    included = q_list(request, "includedData") or ["summaries"]
    check_enum("includedData", included, INCLUDED)
    identifiers = q_list(request, "identifiers")
    kind = request.query.get("identifiersType")
    if identifiers and kind not in IDENTIFIER_TYPES:
        raise _bad(
            "identifiersType is required with identifiers and must be one of "
            + ", ".join(IDENTIFIER_TYPES)
            + "."
        )
    if len(identifiers) > 20:
        raise _bad("At most 20 identifiers are allowed.")
    size = q_int(request, "pageSize", 10, 1, 20)
    eans = {a.sku: a.ean for a in rt.state.articles}
    skus = sorted(
        {
            lst.sku
            for lst in rt.state.listings.values()
            if lst.seller_id == seller
            and lst.marketplace_id in mids
            and (not identifiers or _identifier(lst, kind or "SKU", eans) in identifiers)
        },
        reverse=request.query.get("sortOrder") == "DESC",
    )
    filters = tuple(sorted((k, v) for k, v in request.query.items() if k != "pageToken"))
    chunk, token = page(
        rt.state,
        "searchListingsItems",
        filters,
        skus,
        size,
        request.query.get("pageToken"),
        rt.clock.now(),
        3600,
        "pageToken",
    )
    items = [
        item_json(
            [lst for lst in rt.state.listings_of(seller, sku) if lst.marketplace_id in mids],
            set(included),
        )
        for sku in chunk
    ]
    body: dict[str, Any] = {"numberOfResults": len(skus), "items": items}
    if token:
        body["pagination"] = {"nextToken": token}
    return json_response(body)


ROUTES = [
    ("GET", BASE + "/{sku}", get_item, "listings.getListingsItem"),
    ("PUT", BASE + "/{sku}", put_item, "listings.putListingsItem"),
    ("PATCH", BASE + "/{sku}", patch_item, "listings.patchListingsItem"),
    ("DELETE", BASE + "/{sku}", delete_item, "listings.deleteListingsItem"),
    ("GET", BASE, search_items, "listings.searchListingsItems"),
]
