"""The ECB's reference rates, fetched on a schedule so that invoices in PLN or SEK find them.

The ECB publishes once each working day, around 16:00 CET. The sync fetches the file every few
hours (`documents.ecb_refresh_s`); an invoice that still finds no rate fetches it itself or waits
(core/documents/handlers.py), so no invoice ever goes out without its VAT in EUR.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from core.services.fx import RateFeedError, refresh_rates

log = logging.getLogger(__name__)
_RETRY_S = 300.0  # after a failed fetch, try again sooner than the regular interval


async def keep_rates_fresh(
    url: str,
    *,
    every_s: float,
    stop: asyncio.Event,
    timeout_s: float = 20.0,
    refreshed: asyncio.Event | None = None,
) -> None:
    """Fetch the rates now and every `every_s` seconds until `stop`; `refreshed` is set after each."""
    while not stop.is_set():
        pause = every_s
        fetch = asyncio.ensure_future(refresh_rates(url, timeout_s))
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait({fetch, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if not fetch.done():  # stopping: a slow ECB server never holds up a shutdown
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await fetch
            return
        try:
            count = fetch.result()
            log.info("ECB reference rates: %d in the file from %s", count, url)
            if refreshed is not None:
                refreshed.set()
        except RateFeedError as exc:
            log.warning("ECB reference rates not fetched: %s", exc)
            pause = min(every_s, _RETRY_S)
        except Exception:  # the database may be briefly away; the next round tries again
            log.exception("ECB reference rates could not be stored")
            pause = min(every_s, _RETRY_S)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), pause)
