"""`StationQueries`: every read model a station's screens show, bound to the station."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.services.queries import articles, detail, monitors, queue
from core.services.queries.articles import ArticleStock
from core.services.queries.dashboard import Dashboard, dashboard
from core.services.queries.monitors import OutboxJobView, PrinterState, PrintJobView
from core.services.queries.orders import OrderSummary
from core.services.queries.queue import QueueFilter
from core.services.queries.rejections import (
    InvoiceRejection,
    SkuRejection,
    invoice_rejections,
    sku_rejections,
)
from core.services.queue_keys import QueueKey
from core.services.station_scope import StationScope


class StationQueries(StationScope):
    """Read-only questions of one station's screens; answers are plain dataclasses and dicts."""

    async def queue(
        self,
        filters: QueueFilter,
        offset: int = 0,
        limit: int = 50,
        after: QueueKey | None = None,
    ) -> list[OrderSummary]:
        """Open orders, most urgent first, one page at a time (`after`: the last row's key)."""
        return await queue.desk_queue(filters, self.box, offset=offset, limit=limit, after=after)

    async def open_count(self) -> int:
        return await queue.open_count()

    async def filter_choices(self) -> dict[str, list[str]]:
        return await queue.filter_choices()

    async def order_detail(self, order_id: int) -> dict[str, Any]:
        return await detail.order_detail(order_id, self.box)

    async def holds(self) -> list[OrderSummary]:
        return await detail.holds()

    async def hold_reasons(self, order_ids: list[int]) -> dict[int, str]:
        return await detail.hold_reasons(order_ids)

    async def accounts(self) -> list[dict[str, Any]]:
        return await monitors.accounts()

    async def jobs(self, status: str = "dead", limit: int = 200) -> list[OutboxJobView]:
        return await monitors.jobs(status, limit)

    async def job_counts(self) -> dict[str, int]:
        return await monitors.job_counts()

    async def rejections(self) -> list[SkuRejection]:
        """SKUs whose stock push Amazon refused, with Amazon's code and message."""
        return await sku_rejections()

    async def invoice_rejections(self) -> list[InvoiceRejection]:
        """Uploaded invoices Amazon did not accept, with its status and description."""
        return await invoice_rejections()

    async def articles(self, search: str = "", limit: int = 100) -> list[ArticleStock]:
        return await articles.article_stock(search, limit)

    async def print_jobs(self, limit: int = 200) -> list[PrintJobView]:
        return await monitors.print_jobs(self.station, limit)

    async def printer_states(self) -> list[PrinterState]:
        return await monitors.printer_states()

    async def settings_view(self) -> dict[str, Any]:
        return await monitors.station_setup(self.settings, self.station)

    async def dashboard(self, now: datetime | None = None) -> Dashboard:
        return await dashboard(now)

    async def change_token(self) -> tuple[int, int, int]:
        return await monitors.change_token()
