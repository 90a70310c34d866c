"""`StationScope`: what every per-station service knows — its settings, secret box and printers."""

from __future__ import annotations

from core.config import Settings
from core.ports import PrintPort
from core.security import SecretBox


class StationScope:
    """The station a desk service acts for; the desk, its chores and its read models share it."""

    def __init__(
        self, settings: Settings, box: SecretBox, *, print_port: PrintPort | None = None
    ) -> None:
        self.settings = settings
        self.station = settings.station
        self.box = box
        self.print_port = print_port
