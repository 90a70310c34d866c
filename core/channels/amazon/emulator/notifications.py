"""Notifications API v1: destinations (SQS queues, by ARN) and subscriptions, as Amazon keeps them.

Destination operations, getSubscriptionById and deleteSubscriptionById are grantless (a
`client_credentials` token with the `sellingpartnerapi::notifications` scope); createSubscription
and getSubscription act for the seller whose token is used. What is subscribed is delivered by
`core/channels/amazon/emulator/notify.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from core.channels.amazon.emulator.app import GRANT
from core.channels.amazon.emulator.http import ApiError, invalid, json_body, json_response
from core.channels.amazon.emulator.runtime import RUNTIME

# notification type → payload versions the emulator sends (Amazon's schemas in spapi-models)
SUPPORTED: dict[str, tuple[str, ...]] = {
    "ORDER_CHANGE": ("1.0",),
    "FEED_PROCESSING_FINISHED": ("2020-09-04",),
    "LISTINGS_ITEM_ISSUES_CHANGE": ("2023-12-13",),
}
SQS_ARN = re.compile(r"^arn:aws:sqs:(\S+):(\S+):(\S+)$")


@dataclass(slots=True)
class Subscription:
    subscription_id: str
    seller_id: str
    notification_type: str
    payload_version: str
    destination_id: str
    processing_directive: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "subscriptionId": self.subscription_id,
            "payloadVersion": self.payload_version,
            "destinationId": self.destination_id,
        }
        if self.processing_directive:
            body["processingDirective"] = self.processing_directive
        return body

    def wants(self, marketplace_id: str) -> bool:
        """The subscription's marketplace filter (none: every marketplace)."""
        directive = self.processing_directive or {}
        wanted = (directive.get("eventFilter") or {}).get("marketplaceIds")
        return not wanted or marketplace_id in wanted


@dataclass
class NotificationState:
    """Destinations by id and subscriptions by id, for the whole emulated application."""

    destinations: dict[str, dict[str, Any]] = field(default_factory=dict)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)

    def subscription(self, seller_id: str, notification_type: str) -> Subscription | None:
        return next(
            (
                s
                for s in self.subscriptions.values()
                if s.seller_id == seller_id and s.notification_type == notification_type
            ),
            None,
        )

    def queue_arn(self, subscription: Subscription) -> str | None:
        destination = self.destinations.get(subscription.destination_id)
        if destination is None:
            return None
        sqs = destination["resource"].get("sqs") or {}
        return str(sqs["arn"]) if sqs.get("arn") else None


def _state(request: web.Request) -> NotificationState:
    state: NotificationState = request.app[RUNTIME].notifications
    return state


def _type(request: web.Request) -> str:
    kind = request.match_info["notificationType"]
    if kind not in SUPPORTED:
        raise invalid(f"{kind} is not a notification type the emulator supports.")
    return kind


def _conflict(message: str) -> ApiError:
    return ApiError(409, "Conflict", message)


async def get_destinations(request: web.Request) -> web.Response:
    """``GET /notifications/v1/destinations`` (grantless)."""
    return json_response({"payload": list(_state(request).destinations.values())})


async def create_destination(request: web.Request) -> web.Response:
    """``POST /notifications/v1/destinations`` (grantless): an SQS queue by its ARN."""
    body = await json_body(request)
    name = body.get("name")
    spec = body.get("resourceSpecification")
    if not isinstance(name, str) or not name or len(name) > 256:
        raise invalid("name is required (at most 256 characters).")
    if not isinstance(spec, dict) or not spec:
        raise invalid("resourceSpecification is required.")
    sqs = spec.get("sqs")
    if not isinstance(sqs, dict) or not isinstance(sqs.get("arn"), str):
        raise invalid("The emulator delivers to SQS only: resourceSpecification.sqs.arn.")
    arn = sqs["arn"]
    if len(arn) > 1000 or not SQS_ARN.match(arn):
        raise invalid(f"{arn} is not an SQS queue ARN (arn:aws:sqs:region:account:name).")
    state = _state(request)
    if any(d["resource"].get("sqs", {}).get("arn") == arn for d in state.destinations.values()):
        raise _conflict(f"A destination for {arn} exists already.")
    destination_id = request.app[RUNTIME].state.new_uuid()
    destination = {"name": name, "destinationId": destination_id, "resource": {"sqs": {"arn": arn}}}
    state.destinations[destination_id] = destination
    return json_response({"payload": destination})


async def get_destination(request: web.Request) -> web.Response:
    """``GET /notifications/v1/destinations/{destinationId}`` (grantless)."""
    destination = _state(request).destinations.get(request.match_info["destinationId"])
    if destination is None:
        raise ApiError(404, "NotFound", "The destination does not exist.")
    return json_response({"payload": destination})


async def delete_destination(request: web.Request) -> web.Response:
    """``DELETE /notifications/v1/destinations/{destinationId}`` (grantless)."""
    state = _state(request)
    destination_id = request.match_info["destinationId"]
    if destination_id not in state.destinations:
        raise ApiError(404, "NotFound", "The destination does not exist.")
    if any(s.destination_id == destination_id for s in state.subscriptions.values()):
        raise _conflict("Subscriptions still deliver to this destination; delete them first.")
    del state.destinations[destination_id]
    return json_response({})


async def create_subscription(request: web.Request) -> web.Response:
    """``POST /notifications/v1/subscriptions/{notificationType}`` for the calling seller."""
    kind = _type(request)
    body = await json_body(request)
    version, destination_id = body.get("payloadVersion"), body.get("destinationId")
    if not isinstance(version, str) or not isinstance(destination_id, str):
        raise invalid("payloadVersion and destinationId are required.")
    if version not in SUPPORTED[kind]:
        raise invalid(f"{kind} has payload version(s) {', '.join(SUPPORTED[kind])}.")
    state = _state(request)
    if destination_id not in state.destinations:
        raise ApiError(404, "NotFound", "The destination does not exist.")
    directive = body.get("processingDirective")
    if directive is not None and not isinstance(directive, dict):
        raise invalid("processingDirective must be an object.")
    seller = str(request[GRANT].seller_id)
    if state.subscription(seller, kind) is not None:
        raise _conflict(f"A subscription to {kind} exists already.")
    sub = Subscription(
        request.app[RUNTIME].state.new_uuid(), seller, kind, version, destination_id, directive
    )
    state.subscriptions[sub.subscription_id] = sub
    return json_response({"payload": sub.as_json()})


async def get_subscription(request: web.Request) -> web.Response:
    """``GET /notifications/v1/subscriptions/{notificationType}`` of the calling seller."""
    kind = _type(request)
    sub = _state(request).subscription(str(request[GRANT].seller_id), kind)
    if sub is None:
        raise ApiError(404, "NotFound", f"No subscription to {kind}.")
    return json_response({"payload": sub.as_json()})


def _by_id(request: web.Request) -> Subscription:
    kind = _type(request)
    sub = _state(request).subscriptions.get(request.match_info["subscriptionId"])
    if sub is None or sub.notification_type != kind:
        raise ApiError(404, "NotFound", "The subscription does not exist.")
    return sub


async def get_subscription_by_id(request: web.Request) -> web.Response:
    """``GET /notifications/v1/subscriptions/{notificationType}/{subscriptionId}`` (grantless)."""
    return json_response({"payload": _by_id(request).as_json()})


async def delete_subscription_by_id(request: web.Request) -> web.Response:
    """``DELETE …/subscriptions/{notificationType}/{subscriptionId}`` (grantless)."""
    sub = _by_id(request)
    del _state(request).subscriptions[sub.subscription_id]
    return json_response({})


BASE = "/notifications/v1"
ROUTES = [
    ("GET", BASE + "/destinations", get_destinations, "notifications.getDestinations"),
    ("POST", BASE + "/destinations", create_destination, "notifications.createDestination"),
    (
        "GET",
        BASE + "/destinations/{destinationId}",
        get_destination,
        "notifications.getDestination",
    ),
    (
        "DELETE",
        BASE + "/destinations/{destinationId}",
        delete_destination,
        "notifications.deleteDestination",
    ),
    (
        "POST",
        BASE + "/subscriptions/{notificationType}",
        create_subscription,
        "notifications.createSubscription",
    ),
    (
        "GET",
        BASE + "/subscriptions/{notificationType}",
        get_subscription,
        "notifications.getSubscription",
    ),
    (
        "GET",
        BASE + "/subscriptions/{notificationType}/{subscriptionId}",
        get_subscription_by_id,
        "notifications.getSubscriptionById",
    ),
    (
        "DELETE",
        BASE + "/subscriptions/{notificationType}/{subscriptionId}",
        delete_subscription_by_id,
        "notifications.deleteSubscriptionById",
    ),
]
