"""A fake StationBackend with fixed data: screens render the same every time (snapshots)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from core.config import Settings
from core.domain.audit import AuditEvent
from core.domain.orders import Address, Channel, Order, OrderLine, OrderStatus
from core.domain.packing import ExpectedLine
from core.domain.parcels import DeskParcels, LineWeight
from core.errors import NotFound, UserInputError
from core.services.desk.views import CompletionReport, JobProgress, PackerInfo, PackTarget
from core.services.queries import OrderSummary
from core.services.queries.articles import ArticleStock
from core.services.queries.dashboard import Dashboard
from core.services.queries.queue import QueueFilter
from core.services.queries.rejections import InvoiceRejection, SkuRejection

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
ANNA = PackerInfo(1, "anna", "P-ANNA", "packer")
SAM = PackerInfo(2, "sam", "SUP-0001", "supervisor", has_pin=True)


def summary(n: int, **kw: Any) -> OrderSummary:
    data: dict[str, Any] = dict(
        id=n,
        account="amazon-de",
        external_id=f"302-{n:07d}-0000001",
        marketplace_id="A1PA6795UKMFR9",
        channel="MFN",
        process="ship",
        status="open",
        channel_status="Unshipped",
        purchased_at=T0,
        latest_ship_at=T0.replace(hour=12 + n % 10),
        is_prime=n % 3 == 0,
        is_business=False,
        currency="EUR",
        total=Decimal("19.99"),
        items=1 + n % 3,
        claimed_by="",
    )
    data.update(kw)
    return OrderSummary(**data)


class FakeBackend:
    """Same methods as StationBackend, answers from memory."""

    def __init__(self) -> None:
        self.settings = Settings(station="desk-1")
        self.station = "desk-1"
        self.completed: list[int] = []
        self.lines = [
            ExpectedLine.of(11, "MUG", "Mug, blue", 2, {"4000000000013"}),
            ExpectedLine.of(12, "TEA", "Tea, green 100 g", 1, {"4000000000020"}),
        ]

    async def packers(self) -> list[PackerInfo]:
        return [ANNA, SAM]

    async def sign_in(self, badge: str) -> PackerInfo:
        for p in (ANNA, SAM):
            if p.badge == badge:
                return p
        raise NotFound(f"No packer has the badge {badge!r} — scan it again or pick your name.")

    async def packer_by_name(self, name: str) -> PackerInfo:
        return ANNA if name == "anna" else SAM

    session_ended = False

    async def start_session(self, packer: str) -> None:
        self.session_ended = False

    async def session_open(self) -> bool:
        return not self.session_ended

    async def end_session(self) -> None:
        pass

    async def check_supervisor(self, pin: str, packer: str = "") -> PackerInfo:
        if pin == "1234":
            return SAM
        raise UserInputError("That PIN is not a supervisor's — ask a supervisor to enter theirs.")

    async def known_codes(self) -> set[str]:
        return {"4000000000013", "4000000000020", "4000000000037"}

    async def open_order(self, code: str, packer: str, alternates: Any = ()) -> PackTarget:
        if code != "302-0000001-0000001":
            raise NotFound(
                f"Nothing is known as {code} — scan an order number, a delivery note or an article."
            )
        return PackTarget(1, code, "amazon-de", "A1PA6795UKMFR9", True, T0, list(self.lines))

    async def open_by_id(self, order_id: int, packer: str) -> PackTarget:
        return await self.open_order("302-0000001-0000001", packer)

    async def resume(self, packer: str) -> None:
        return None

    async def save_progress(self, order_id: int, packages: Any, weighed: Any = None) -> bool:
        return True

    async def leave_on_desk(
        self, order_id: int, packer: str, packages: Any, weighed: Any = None
    ) -> bool:
        return True

    async def release(self, order_id: int, packer: str) -> bool:
        return True

    async def hold(self, order_id: int, reason: str, packer: str) -> None:
        return None

    async def hold_for(self, order_id: int, reason: Any, packer: str) -> None:
        return None

    async def release_hold(self, order_id: int, supervisor: str) -> None:
        return None

    async def desk_parcels(self, line_ids: list[int]) -> DeskParcels:
        return DeskParcels({11: LineWeight("MUG", 350), 12: LineWeight("TEA", 110)}, 120)

    async def complete(
        self,
        order_id: int,
        packages: Any,
        packer: str,
        *,
        partial: bool = False,
        weights_g: list[int] | None = None,
    ) -> CompletionReport:
        self.completed.append(order_id)
        return CompletionReport(
            order_id, "302-0000001-0000001", "packed", {"invoice": "RE-2026-00001"}
        )

    async def progress(self, order_id: int) -> list[JobProgress]:
        return [
            JobProgress("order", "shipped"),
            JobProgress("documents.render", "done"),
            JobProgress("documents.render", "pending"),
            JobProgress("label.buy", "done"),
            JobProgress("amazon.confirm_shipment", "done"),
        ]

    async def queue(
        self, filters: QueueFilter, offset: int = 0, limit: int = 50, after: object = None
    ) -> list[OrderSummary]:
        rows = [summary(n) for n in range(1, 31)]
        rows[1] = summary(2, status="packing", claimed_by="desk-2")
        if after is not None:  # keyset: the rows after the one the key names
            offset += next(i for i, r in enumerate(rows) if r.id == after.id) + 1  # type: ignore[attr-defined]
        return rows[offset : offset + limit]

    async def open_count(self) -> int:
        return 30

    async def filter_choices(self) -> dict[str, list[str]]:
        return {"accounts": ["amazon-de", "amazon-fr"], "marketplaces": ["A1PA6795UKMFR9"]}

    async def change_token(self) -> tuple[int, int, int]:
        return (1, 1, 1)

    async def order_detail(self, order_id: int) -> dict[str, Any]:
        order = Order(
            account_id=1,
            external_id="302-0000001-0000001",
            marketplace_id="A1PA6795UKMFR9",
            channel=Channel.MFN,
            purchased_at=T0,
            currency="EUR",
            status=OrderStatus.SHIPPED,
            latest_ship_at=T0,
            is_prime=True,
            lines=[
                OrderLine(
                    "1", "MUG", "Mug, blue", 2, Decimal("9.99"), Decimal("19"), quantity_shipped=2
                )
            ],
        )
        ship_to = Address(
            name="Jürgen Groß", line1="Hauptstraße 5", postcode="10115", city="Berlin", country="DE"
        )
        return {
            "order": order,
            "ship_to": ship_to.__dict__,
            "documents": [
                {"id": 1, "kind": "invoice", "number": "RE-2026-00001", "issued_at": T0.isoformat()}
            ],
            "shipments": [
                {
                    "id": 1,
                    "station": "desk-1",
                    "packer": "anna",
                    "created_at": T0.isoformat(),
                    "packages": [
                        {
                            "id": 1,
                            "reference": "1",
                            "carrier": "DHL",
                            "tracking_number": "00340434161094042557",
                            "lines": [],
                        }
                    ],
                }
            ],
            "audit": [AuditEvent("anna", "order.packed", "order:1", "desk-1", {}, T0, 1)],
        }

    async def holds(self) -> list[OrderSummary]:
        return [summary(7, status="on_hold")]

    async def hold_reasons(self, ids: list[int]) -> dict[int, str]:
        return {7: "box dented, ask the buyer"}

    async def accounts(self) -> list[dict[str, Any]]:
        return [
            {
                "name": "amazon-de",
                "health": "ok",
                "reason": "",
                "checked": T0,
                "last_import": T0,
                "dead_jobs": 1,
            },
            {
                "name": "amazon-fr",
                "health": "throttled",
                "reason": "12% of requests throttled",
                "checked": T0,
                "last_import": T0,
                "dead_jobs": 0,
            },
        ]

    async def jobs(self, status: str = "dead", limit: int = 200) -> list[Any]:
        return [
            SimpleNamespace(
                id=41,
                kind="amazon.confirm_shipment",
                status="dead",
                attempts=8,
                due_at=T0,
                last_error="InvalidInput: carrier code unknown",
            )
        ]

    async def job_counts(self) -> dict[str, int]:
        return {"dead": 1, "done": 120, "pending": 3}

    async def rejections(self) -> list[SkuRejection]:
        return [
            SkuRejection("amazon-de", "MUG-01", ("DE", "FR"), "8541",
                         "[b]Quantity[/b] is invalid for this listing", 12, True),
            SkuRejection("amazon-de", "TEA-02", ("DE",), "90220", "Product type not valid", 3, False),
        ]  # fmt: skip

    async def invoice_rejections(self) -> list[InvoiceRejection]:
        return [
            InvoiceRejection("amazon-de", "RE-2026-00007", "invoice", "302-1234567-7654321", "DE",
                             "InvoiceUploadFailed", "[red]Rechnungsnummer[/red] bereits verwendet",
                             "report", T0),
        ]  # fmt: skip

    async def retry_job(self, job_id: int, supervisor: str) -> None:
        return None

    async def discard_job(self, job_id: int, supervisor: str) -> None:
        return None

    async def articles(self, search: str = "", limit: int = 100) -> list[ArticleStock]:
        return [
            ArticleStock(1, "MUG", "Mug, blue", ["4000000000013", "X000000001"], 20, 3),
            ArticleStock(2, "TEA", "Tea, green 100 g", ["4000000000020"], 5, 1),
        ]

    async def adjust_stock(self, article_id: int, delta: int, reason: str, actor: str) -> int:
        return 20 + delta

    async def assign_barcode(self, article_id: int, code: str, actor: str) -> str:
        return code

    async def print_jobs(self, limit: int = 200) -> list[Any]:
        return [
            SimpleNamespace(
                id=5,
                printer="paper",
                kind="invoice",
                title="302-0000001-0000001 LS-2026-00001 + RE-2026-00001",
                status="done",
                copy_of_id=None,
            ),
            SimpleNamespace(
                id=6,
                printer="labels",
                kind="label",
                title="Label 302-0000001-0000001 parcel 1",
                status="queued",
                copy_of_id=None,
            ),
        ]

    async def printer_states(self) -> list[Any]:
        return [
            SimpleNamespace(name="paper", state="online", detail=""),
            SimpleNamespace(name="labels", state="paper_out", detail="out of labels"),
        ]

    async def reprint(self, job_id: int, actor: str) -> int:
        return 7

    async def settings_view(self) -> dict[str, Any]:
        return {
            "station": "desk-1",
            "language": "en",
            "routes": {"invoice": "paper", "label": "labels"},
            "printers": {"paper": "folder", "labels": "zpl"},
            "sync_in_console": True,
            "ranges": [("default", "invoice", "RE-{YYYY}-{seq:05}", 2)],
            "profiles": [("Merchant fulfilled", "ship", "MFN", "amazon_buy_shipping")],
        }

    async def dashboard(self) -> Dashboard:
        hours = [0] * 24
        for h, n in ((8, 4), (9, 11), (10, 15), (11, 9), (12, 3), (13, 12)):
            hours[h] = n
        return Dashboard(
            hours,
            [("anna", 31), ("ben", 23)],
            40,
            3,
            12,
            25,
            [("amazon-de", "ok"), ("amazon-fr", "throttled")],
            [("paper", "online"), ("labels", "paper_out")],
            1,
        )
