"""The read models: what the console's screens and the CLI show, one home in core.

- `orders`: order lists, the packing queue, an order's documents and packages;
- `queue`: the desk's filtered queue and its filter choices;
- `detail`: one order as the detail screen shows it; `holds`: orders on hold;
- `monitors`: accounts and sync, outbox jobs, printers, print jobs, the station's setup;
- `dashboard`: the shift at a glance; `articles`: articles with their stock;
- `documents`: issued invoices, delivery notes and credit notes, for `packdesk documents`;
- `station.StationQueries`: all of them for one station.
"""

from core.services.queries.orders import (
    QUEUE_ORDER,
    OrderSummary,
    list_orders,
    order_extras,
    packing_queue,
    search_filter,
    summaries,
    summary_of,
)

__all__ = [
    "QUEUE_ORDER",
    "OrderSummary",
    "list_orders",
    "order_extras",
    "packing_queue",
    "search_filter",
    "summaries",
    "summary_of",
]
