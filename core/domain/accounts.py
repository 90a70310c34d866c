"""Sales-channel accounts and the fulfilment profiles that route their orders."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.domain.orders import Channel, Process


@dataclass
class Account:
    """One connection to a sales channel (Amazon: one seller id in one region)."""

    name: str
    kind: str = "amazon"
    seller_id: str = ""
    region: str = "eu"
    endpoint: str = ""
    marketplace_ids: list[str] = field(default_factory=list)
    company: str = "default"
    health: str = "unknown"  # ok | throttled | failing | unknown
    health_reason: str = ""
    id: int | None = None


@dataclass
class FulfilmentProfile:
    """Matches (account, marketplace, channel) to a process and its options (Xentral: project)."""

    name: str
    process: Process
    account_id: int | None = None  # None matches every account
    marketplace_id: str | None = None  # None matches every marketplace
    channel: Channel | None = None  # None matches both
    email_invoice: bool = False
    upload_invoice: bool = False
    carrier: str = "manual"
    invoice_range: str = "invoice"
    delivery_note_range: str = "delivery_note"
    credit_note_range: str = "credit_note"
    id: int | None = None

    def matches(self, account_id: int, marketplace_id: str, channel: Channel) -> bool:
        return (
            (self.account_id is None or self.account_id == account_id)
            and (self.marketplace_id is None or self.marketplace_id == marketplace_id)
            and (self.channel is None or self.channel == channel)
        )

    @property
    def specificity(self) -> int:
        return sum(x is not None for x in (self.account_id, self.marketplace_id, self.channel))


DEFAULT_PROCESS = {Channel.MFN: Process.SHIP, Channel.AFN: Process.INVOICE_ONLY}


def route(
    profiles: list[FulfilmentProfile], account_id: int, marketplace_id: str, channel: Channel
) -> FulfilmentProfile | None:
    """The most specific profile that matches; ties go to the one created first."""
    candidates = [p for p in profiles if p.matches(account_id, marketplace_id, channel)]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (p.specificity, -(p.id or 0)))
