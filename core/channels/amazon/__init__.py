"""Amazon's SP-API as a Packdesk channel: client, connector, outbox handlers (and the emulator).

The composition root builds one connector per account with `connector_for` and registers the
outbox handlers from `make_amazon_handlers`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import aiohttp

    from core.channels.amazon.client import RetryPolicy
    from core.channels.amazon.connector import AmazonConnector, AmazonOptions
    from core.domain.outbox import OutboxJob
    from core.persistence.models import AccountRow
    from core.ports import Carrier, PrintPort
    from core.security import SecretBox

Handler = Callable[["OutboxJob"], Awaitable[None]]


def connector_for(
    row: AccountRow,
    box: SecretBox,
    *,
    session: aiohttp.ClientSession | None = None,
    options: AmazonOptions | None = None,
    time_scale: float = 1.0,
    retry: RetryPolicy | None = None,
) -> AmazonConnector:
    """A connector for one stored account. Without `session` it makes (and later closes) its own."""
    import aiohttp

    from core.channels.amazon.accounts import credentials_of
    from core.channels.amazon.client import REGION_ENDPOINTS, SpApiClient, TokenSource
    from core.channels.amazon.connector import AmazonConnector, AmazonOptions
    from core.persistence.repositories import account_from_row

    credentials = credentials_of(row, box)
    owns = session is None
    if session is None:
        session = aiohttp.ClientSession()
    endpoint = row.endpoint or REGION_ENDPOINTS.get(row.region, REGION_ENDPOINTS["eu"])
    tokens = TokenSource(
        session,
        credentials,
        row.lwa_url,
        retry_base_s=(retry.base_s if retry else 1.0) / time_scale,
    )
    client = SpApiClient(session, tokens, endpoint, time_scale=time_scale, retry=retry)
    return AmazonConnector(
        account_from_row(row), client, options or AmazonOptions(), owns_session=owns
    )


async def amazon_connectors(
    box: SecretBox,
    *,
    names: Sequence[str] = (),
    options: AmazonOptions | None = None,
    time_scale: float = 1.0,
    retry: RetryPolicy | None = None,
) -> dict[int, AmazonConnector]:
    """Account id -> connector, for every stored Amazon account (or only those `names` names).

    In the order the accounts were added; each connector's `account` has its name and markets.
    """
    from core.persistence.models import AccountRow

    query = AccountRow.filter(kind="amazon")
    if names:
        query = query.filter(name__in=list(names))
    return {
        row.id: connector_for(row, box, options=options, time_scale=time_scale, retry=retry)
        for row in await query.order_by("id")
    }


async def connector_named(
    name: str, box: SecretBox, *, options: AmazonOptions | None = None
) -> AmazonConnector:
    """The connector of the account called `name`; NotFound names the command that lists them."""
    from core.errors import NotFound
    from core.persistence.models import AccountRow

    row = await AccountRow.get_or_none(name=name)
    if row is None:
        raise NotFound(f"No account named {name!r} (see `packdesk accounts list`).")
    return connector_for(row, box, options=options)


def make_amazon_handlers(
    box: SecretBox,
    connectors: Mapping[int, AmazonConnector],
    print_port: PrintPort | None = None,
    *,
    ship_from: dict[str, str] | None = None,
    carriers: Mapping[str, Carrier] | None = None,
    packaging_g: int = 0,
    label_media: Callable[[str], tuple[str, int]] | None = None,
) -> dict[str, Handler]:
    """Outbox handlers: `amazon.confirm_shipment`, `amazon.invoice_result`, `label.buy`.

    `label.buy` uses Amazon Buy Shipping for carrier `amazon_buy_shipping` (through the order's
    account) and the given `carriers` for every other code.
    """
    from core.carriers.amazon_buy_shipping import CODE, AmazonBuyShipping
    from core.carriers.labels import label_buy_handler
    from core.channels.amazon.handlers import (
        confirm_shipment_handler,
        invoice_result_handler,
    )
    from core.domain.outbox import JobKind

    others: Mapping[str, Carrier] = {} if carriers is None else carriers  # live, not a copy

    def carrier_for(code: str, account_id: int) -> Carrier | None:
        if code == CODE and account_id in connectors:
            return AmazonBuyShipping(
                connectors[account_id].client, ship_from, label_media=label_media
            )
        return others.get(code)

    label_buy = label_buy_handler(box, carrier_for, print_port, ship_from, packaging_g)

    return {
        JobKind.CONFIRM_SHIPMENT: confirm_shipment_handler(connectors),
        JobKind.CHECK_INVOICE_UPLOAD: invoice_result_handler(connectors),
        JobKind.BUY_LABEL: label_buy,
    }


__all__ = ["connector_for", "make_amazon_handlers"]
