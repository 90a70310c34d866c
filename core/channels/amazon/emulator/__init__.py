"""A local Amazon SP-API: LWA, Orders, Tokens, Reports, Feeds, Listings, FBA Inventory, Buy Shipping.

Use ``run_emulator(...)`` as an async context manager, or ``create_app(...)`` for aiohttp's test
utilities. The wire format follows Amazon's models; see ``faults`` for the fault spec.
"""

from core.channels.amazon.emulator.faults import FaultSpecError
from core.channels.amazon.emulator.runtime import RUNTIME, Runtime
from core.channels.amazon.emulator.server import Emulator, create_app, models_dir, run_emulator

__all__ = [
    "RUNTIME",
    "Emulator",
    "FaultSpecError",
    "Runtime",
    "create_app",
    "models_dir",
    "run_emulator",
]
