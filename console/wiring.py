"""Where the parts meet: settings in, outbox handlers and runners out.

The console, `packdesk sync` and the demo all build their outbox from here, so a job kind that one
process can run, every process can run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from core.config import Settings, ZplPrinter
from core.errors import PackdeskError
from core.ports import ChannelConnector, PrintPort
from core.security import SecretBox

if TYPE_CHECKING:
    # Handlers bring the Amazon client (aiohttp), carriers, documents and mail: each process
    # imports them when it builds its outbox, never the console before its sign-in screen.
    from core.carriers.dhl.carrier import LabelMedia
    from core.channels.amazon.connector import AmazonOptions
    from core.services.outbox import Handler, OutboxRunner


def ship_from(settings: Settings) -> dict[str, str]:
    """The seller's address as a carrier wants it on the label."""
    c = settings.company
    return {
        "name": c.name,
        "line1": c.street,
        "postcode": c.postcode,
        "city": c.city,
        "country": c.country,
        "email": c.email,
        "phone": c.phone,
    }


def label_media(settings: Settings) -> LabelMedia:
    """Station → (language, dpi) of its label printer, so a carrier sends ZPL or PDF to suit."""

    def media(station: str) -> tuple[str, int]:
        route = settings.stations.get(station)
        printer = settings.printers.get(route.routes.get("label", "")) if route else None
        if printer is None:
            return ("pdf", 0)
        return (printer.kind, int(getattr(printer, "dpi", 0) or 0))

    return media


def dhl_print_format(settings: Settings) -> Callable[[str], str]:
    """Station → DHL's thermal format for the labels its ZPL printer holds ("" = contract's)."""

    def medium(station: str) -> str:
        route = settings.stations.get(station)
        printer = settings.printers.get(route.routes.get("label", "")) if route else None
        if not isinstance(printer, ZplPrinter):
            return ""
        rest = printer.label_size.partition("x")[2]
        height = float(rest.rstrip("min")) * (25.4 if rest.endswith("in") else 1)
        return "910-300-600" if height >= 190 else "910-300-400"  # 103×199 or 103×150 mm

    return medium


def amazon_options(settings: Settings, orders_api: str | None = None) -> AmazonOptions:
    """How every process of this installation talks to Amazon (`orders_api` overrides config)."""
    from core.channels.amazon.connector import AmazonOptions

    return AmazonOptions(
        orders_api=orders_api or settings.sync.orders_api,
        overlap=timedelta(seconds=settings.sync.overlap_s),
    )


def outbox_handlers(
    settings: Settings,
    box: SecretBox,
    connectors: Mapping[int, Any],
    print_port: PrintPort | None,
) -> dict[str, Handler]:
    """Every outbox handler this installation can run.

    Mail jobs get a handler only when `mail.host` is set; until then they wait, visible in the
    outbox monitor, and go out once SMTP is configured.
    """
    from core.carriers.directory import CarrierDirectory
    from core.carriers.weights import packaging_g
    from core.channels.amazon import make_amazon_handlers
    from core.documents.handlers import make_document_handlers
    from core.mail import SmtpMailer
    from core.thirdparty.cycle import thirdparty_handlers

    async def connector_for_account(account_id: int) -> ChannelConnector:
        if account_id not in connectors:
            raise PackdeskError(f"no connector for account {account_id} in this process")
        return connectors[account_id]  # type: ignore[no-any-return]

    mailer = SmtpMailer(settings.mail) if settings.mail.host else None
    handlers: dict[str, Handler] = {}
    handlers.update(
        make_amazon_handlers(
            box,
            connectors,
            print_port,
            ship_from=ship_from(settings),
            carriers=CarrierDirectory(
                box,
                label_media=label_media(settings),
                print_format_for=dhl_print_format(settings),
            ),
            packaging_g=packaging_g(settings.packaging),
            label_media=label_media(settings),
        )
    )
    handlers.update(
        make_document_handlers(box, settings, mailer, print_port, connector_for_account)
    )
    handlers.update(thirdparty_handlers(settings, box))
    return handlers


def outbox_runner(settings: Settings, handlers: Mapping[str, Handler], role: str) -> OutboxRunner:
    """A runner named after its process, with the configured retry policy."""
    from core.services.outbox import OutboxRunner

    return OutboxRunner(
        handlers,
        worker=f"{role}-{settings.station}-{os.getpid()}",
        max_attempts=settings.outbox.max_attempts,
        base_delay_s=settings.outbox.base_delay_s,
        max_delay_s=settings.outbox.max_delay_s,
    )
