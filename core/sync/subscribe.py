"""`packdesk accounts subscribe NAME`: an SQS destination and the subscriptions Packdesk reads.

Safe to repeat: an existing destination for the queue and existing subscriptions are kept.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

from core.channels.amazon.client import notifications as api
from core.channels.amazon.client.errors import SpApiError
from core.channels.amazon.connector import AmazonConnector
from core.errors import UserInputError

# Amazon's account that sends notifications (Amazon's notifications set-up guide)
AMAZON_SENDER = "437568002678"


@dataclass
class SubscribeResult:
    queue_arn: str
    destination_id: str
    created: list[str] = field(default_factory=list)  # notification types subscribed now
    kept: list[str] = field(default_factory=list)  # already subscribed


def queue_arn(queue_url: str, region: str) -> str:
    """`https://sqs.eu-west-1.amazonaws.com/123456789012/name` → its ARN."""
    parts = [p for p in urlparse(queue_url).path.split("/") if p]
    if len(parts) != 2 or not re.fullmatch(r"\d{12}", parts[0]):
        raise UserInputError(
            f"[aws] queue_url {queue_url!r} is not an SQS queue URL (…/ACCOUNT-ID/QUEUE-NAME)"
        )
    host = urlparse(queue_url).hostname or ""
    match = re.match(r"sqs\.([a-z0-9-]+)\.amazonaws\.com", host)
    return f"arn:aws:sqs:{match.group(1) if match else region}:{parts[0]}:{parts[1]}"


def queue_policy(arn: str) -> str:
    """The queue policy that lets Amazon send to the queue (the seller adds it in AWS)."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{AMAZON_SENDER}:root"},
                "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes"],
                "Resource": arn,
            }
        ],
    }
    return json.dumps(policy, indent=2)


async def subscribe(connector: AmazonConnector, arn: str) -> SubscribeResult:
    """Find or create the destination for `arn`, then subscribe the account to what Packdesk reads."""
    client = connector.client
    token = await client.tokens.grantless(api.SCOPE).token()
    try:
        destinations = await api.get_destinations(client, token)
        destination_id = next(
            (
                str(d["destinationId"])
                for d in destinations
                if ((d.get("resource") or {}).get("sqs") or {}).get("arn") == arn
            ),
            "",
        ) or await api.create_destination(client, token, "packdesk", arn)
        result = SubscribeResult(arn, destination_id)
        for kind in api.SUBSCRIPTIONS:
            existing = await api.get_subscription(client, kind)
            if existing is not None and existing.get("destinationId") == destination_id:
                result.kept.append(kind)
                continue
            if existing is not None:  # to another queue: move it to this one
                await api.delete_subscription(client, token, kind, str(existing["subscriptionId"]))
            await api.create_subscription(
                client, kind, destination_id, list(connector.account.marketplace_ids)
            )
            result.created.append(kind)
    except SpApiError as exc:
        raise UserInputError(f"Amazon refused the subscription: {exc.code} {exc.message}") from None
    return result


__all__ = ["AMAZON_SENDER", "SubscribeResult", "queue_arn", "queue_policy", "subscribe"]
