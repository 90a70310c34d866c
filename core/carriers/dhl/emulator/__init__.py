"""DHL Parcel DE Shipping API v2, emulated: mounted by `packdesk emulator` beside Amazon's API.

`add_routes(app, seed)` puts ``/parcel/de/shipping/v2/…`` and the OAuth2 token endpoint on an
aiohttp application; `DHL_STATE` holds the shipments for tests to inspect.
"""

from core.carriers.dhl.emulator.app import DHL_STATE, add_routes
from core.carriers.dhl.emulator.state import DhlState

__all__ = ["DHL_STATE", "DhlState", "add_routes"]
