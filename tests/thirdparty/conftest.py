"""A 3PL profile, its orders and a provider whose drop is a local folder."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.config import CompanySettings, Settings, ThirdPartyProvider, ThirdPartySettings
from core.persistence.models import FulfilmentProfileRow, OrderRow
from core.security import SecretBox
from core.services.intake import upsert_orders
from core.services.setup import ensure_basics
from core.thirdparty.cycle import run_thirdparty_cycle
from core.thirdparty.files import TrackedItem, TrackedPackage, TrackedShipment, TrackingReport
from core.thirdparty.files import render_tracking as _render
from tests.support.factories import make_account, make_order

COMPANY = CompanySettings(
    name="Muster GmbH",
    street="Hafenstraße 1",
    postcode="20457",
    city="Hamburg",
    country="DE",
    vat_id="DE123456789",
)
SHIPPED = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)
# Valid numbers (check digits right) for the tests.
DHL_1 = "00340434161094015902"
DHL_2 = "00340434161094042557"
UPS_1 = "1Z5R89390357567127"
ORDER = "302-0000001-0000001"


def inbox(settings: Settings) -> Path:
    """The provider's inbox folder (created)."""
    cfg = settings.thirdparty.providers["acme"]
    assert cfg.path is not None
    path = cfg.path / cfg.inbox_dir
    path.mkdir(parents=True, exist_ok=True)
    return path


def errors(settings: Settings) -> dict[str, str]:
    """Rejected file name → the text of its reason file."""
    cfg = settings.thirdparty.providers["acme"]
    assert cfg.path is not None
    folder = cfg.path / cfg.error_dir
    if not folder.exists():
        return {}
    return {
        p.name.split("-", 1)[1].removesuffix(".reason.txt"): p.read_text()
        for p in folder.glob("*.reason.txt")
    }


def settings_for(root: Path, **provider: object) -> Settings:
    return Settings(
        company=COMPANY,
        thirdparty=ThirdPartySettings(
            providers={"acme": ThirdPartyProvider(kind="folder", path=root, **provider)}
        ),
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path / "acme")


async def third_party_orders(
    box: SecretBox,
    orders: Sequence[tuple[str, Sequence[tuple[str, int]]]] = ((ORDER, (("MUG", 2), ("TEA", 1))),),
    *,
    email_invoice: bool = True,
    options: dict[str, object] | None = None,
) -> list[int]:
    """Orders routed to a third_party profile (provider acme); their Packdesk ids."""
    await ensure_basics("desk-1")
    acc = await make_account()
    await FulfilmentProfileRow.create(
        name="Fulfilment by ACME",
        process="third_party",
        channel="MFN",
        account_id=acc,
        email_invoice=email_invoice,
        options=options if options is not None else {"provider": "acme"},
    )
    await upsert_orders(
        acc, [make_order(ext, account_id=acc, lines=list(lines)) for ext, lines in orders], box
    )
    return [(await OrderRow.get(external_id=ext)).id for ext, _ in orders]


async def exported(settings: Settings, box: SecretBox) -> int:
    """The default order of `third_party_orders`, handed over to acme; its Packdesk id."""
    [order_id] = await third_party_orders(box)
    summary = await run_thirdparty_cycle(settings, box, imports=False)
    assert summary.export is not None and summary.export.exported == {"acme": [ORDER]}
    assert summary.delivered == 1
    return order_id


def tracking_xml(
    *shipments: tuple[str, Sequence[tuple[str, str, Sequence[tuple[str, int]]]]],
    provider: str = "acme",
) -> bytes:
    """A tracking file: (order id, [(carrier, tracking, [(line id, qty)])])."""
    report = TrackingReport(provider=provider, created=SHIPPED)
    for order_ref, packages in shipments:
        report.shipments.append(
            TrackedShipment(
                order_ref=order_ref,
                order_id=None,
                shipped_at=SHIPPED,
                packages=tuple(
                    TrackedPackage(
                        tracking=number,
                        carrier=carrier,
                        service="Paket",
                        weight_g=900,
                        items=tuple(TrackedItem(line, "", qty) for line, qty in items),
                    )
                    for carrier, number, items in packages
                ),
            )
        )
    return _render(report)
