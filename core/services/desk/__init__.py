"""The packing desk's decisions, one home in core (the console only shows them).

- `station.StationDesk`: sign-in, what a scan opens and claims, resume, hold, release, completion;
- `opening`: what a scan names (order id, document number, article → single-item orders);
- `targets`: a claimed order's lines still to pack, with every code of each item;
- `progress`: the scans stored with a claim, restored when the desk resumes it;
- `follow_up`: what happens after completion (papers, label, prints, Amazon's confirmation);
- `chores`: what a desk does besides packing (outbox retries, stock, barcodes, reprints);
- `views`: the plain dataclasses the console receives.
"""

from core.services.desk.progress import (
    StoredProgress,
    clear_progress,
    decode_progress,
    save_progress,
    stored_progress,
)
from core.services.desk.views import CompletionReport, JobProgress, PackerInfo, PackTarget

__all__ = [
    "CompletionReport",
    "JobProgress",
    "PackTarget",
    "PackerInfo",
    "StoredProgress",
    "clear_progress",
    "decode_progress",
    "save_progress",
    "stored_progress",
]
