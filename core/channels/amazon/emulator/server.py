"""Run the emulator on a real socket: ``run_emulator`` for code and tests, ``serve`` for the CLI."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from core.channels.amazon.emulator.app import build_app
from core.channels.amazon.emulator.faults import parse_spec
from core.channels.amazon.emulator.runtime import Runtime
from core.channels.amazon.emulator.state import SellerState

if TYPE_CHECKING:
    from core.carriers.dhl.emulator import DhlState

MODELS_ENV = "PACKDESK_SPAPI_MODELS"


def models_dir() -> Path:
    """Amazon's models: ``$PACKDESK_SPAPI_MODELS`` or ``../shared/spapi-models`` beside the repo."""
    env = os.environ.get(MODELS_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[4].parent / "shared" / "spapi-models"


class Emulator:
    """A running emulator: its URL, credentials, live state and the knobs tests turn."""

    def __init__(self, runtime: Runtime, app: web.Application, url: str) -> None:
        self.runtime = runtime
        self.app = app
        self.url = url
        self.notifier: Any = None  # notify.Notifier when notifications go to an SQS endpoint

    @property
    def credentials(self) -> dict[str, Any]:
        """Exactly the JSON ``--write-credentials`` writes (contains secrets), DHL's included."""
        from core.carriers.dhl.emulator import DHL_STATE

        return {**self.runtime.credentials(), "dhl": self.app[DHL_STATE].credentials(self.url)}

    @property
    def dhl(self) -> DhlState:
        """The emulated DHL customer: shipments created, cancelled, closed out."""
        from core.carriers.dhl.emulator import DHL_STATE

        return self.app[DHL_STATE]

    @property
    def state(self) -> SellerState:
        """The live seller state (orders, confirmations, listings, feeds, uploads, labels)."""
        return self.runtime.state

    def now(self) -> float:
        """Emulated epoch seconds."""
        return self.runtime.clock.now()

    def set_faults(self, spec: str | None) -> None:
        """Replace the fault rules (see ``faults`` for the spec syntax)."""
        self.runtime.faults.set(parse_spec(spec))

    def advance(self, seconds: float) -> None:
        """Move emulated time forward without sleeping; due changes apply at once."""
        self.runtime.advance(seconds)

    def expire_tokens(self) -> None:
        """Make every issued access token expired."""
        self.runtime.tokens.expire_all()


def create_app(**options: Any) -> web.Application:
    """An emulator application for ``aiohttp.test_utils`` (same keywords as ``run_emulator``)."""
    return build_app(Runtime(**options))


@asynccontextmanager
async def run_emulator(
    *,
    seed: int = 1,
    accounts: int = 2,
    orders: int = 60,
    time_scale: float = 1.0,
    limits: bool = True,
    faults: str | None = None,
    sandbox: bool = False,
    host: str = "127.0.0.1",
    port: int = 0,
    start: float | None = None,
    frozen: bool = False,
    sqs_endpoint: str | None = None,
) -> AsyncIterator[Emulator]:
    """Start an emulator on ``host:port`` (0 = a free port) and stop it on exit."""
    runtime = Runtime(
        seed=seed,
        accounts=accounts,
        orders=orders,
        time_scale=time_scale,
        limits=limits,
        faults=faults,
        sandbox=sandbox,
        start=start,
        frozen=frozen,
    )
    app = build_app(runtime)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    server = site._server
    sockets = getattr(server, "sockets", None) or ()
    bound = sockets[0].getsockname()[1] if sockets else port
    shown = f"[{host}]" if ":" in host else host
    runtime.base_url = f"http://{shown}:{bound}"
    emulator = Emulator(runtime, app, runtime.base_url)
    stop = asyncio.Event()
    delivery = None
    if sqs_endpoint:
        from core.channels.amazon.emulator.notify import Notifier

        emulator.notifier = Notifier(runtime, sqs_endpoint)
        delivery = asyncio.create_task(emulator.notifier.run(stop))
    try:
        yield emulator
    finally:
        stop.set()
        if delivery is not None:
            await asyncio.gather(delivery, return_exceptions=True)
        await runner.cleanup()
