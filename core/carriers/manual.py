"""The manual carrier: the packer scans or types the tracking number from a label printed elsewhere.

There is nothing to buy and nothing to cancel at a carrier; what it adds is the check that the
number fits the carrier's format (core/carriers/tracking.py) before Amazon ever sees it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from core.carriers.tracking import carrier_info, validate_tracking
from core.domain.errors import DomainError
from core.ports import Label, LabelRequest

TrackingSource = Callable[[LabelRequest], Awaitable[str]]


class TrackingNeeded(DomainError):
    """A manual carrier cannot invent a tracking number: a person has to scan or type it."""


class ManualCarrier:
    """Labels from the carrier's own software or a pre-printed roll; tracking comes from the desk.

    `code` is Packdesk's carrier name (``dhl``, ``deutsche_post``, … or ``manual`` for any).
    `tracking_source`, when given, asks for the number (the console's scan field); without it
    `create_label` raises TrackingNeeded and the number is recorded later with `label_for`.
    """

    def __init__(self, code: str = "manual", tracking_source: TrackingSource | None = None) -> None:
        self.code = code
        self.tracking_source = tracking_source
        info = carrier_info(code)
        self.amazon_code = info.amazon_code if info else "Other"
        self.name = info.name if info else ""

    def label_for(
        self, tracking_number: str, carrier: str = "", shipping_method: str = ""
    ) -> Label:
        """A label record for a number a person entered, validated for the carrier's format.

        `carrier` overrides the carrier of this instance (the ``manual`` carrier asks which one).
        """
        chosen = carrier or self.code
        info = carrier_info(chosen)
        number = validate_tracking(chosen if info else "Other", tracking_number)
        return Label(
            tracking_number=number,
            carrier_code=info.amazon_code if info else "Other",
            carrier_name=info.name if info else (chosen if chosen != "manual" else ""),
            shipping_method=shipping_method,
            format="",
            data=b"",
        )

    async def create_label(self, request: LabelRequest) -> Label:
        if self.tracking_source is None:
            raise TrackingNeeded(
                f"Order {request.order.external_id}, package {request.package_reference}: "
                f"scan or type the {self.name or 'carrier'} tracking number from the label."
            )
        return self.label_for(await self.tracking_source(request))

    async def cancel_label(self, label: Label) -> None:
        """Nothing was bought, so there is nothing to cancel at the carrier."""
        return None
