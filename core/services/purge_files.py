"""Files that hold personal data outside the database: printouts, 3PL drops, logs.

They are named by the settings (folder printers, folder 3PL providers, the data dir's logs), and a
file is due when it was last written before the cutoff: it can only concern orders at least that old.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core.config import FolderPrinter, Settings


@dataclass(frozen=True)
class FilePlace:
    name: str  # as `purge-personal-data --json` lists it
    folder: Path
    recursive: bool = False


def file_places(settings: Settings) -> list[FilePlace]:
    places = [FilePlace("logs", settings.resolved_data_dir / "logs")]
    for name, printer in sorted(settings.printers.items()):
        if isinstance(printer, FolderPrinter):
            places.append(FilePlace(f"printouts:{name}", printer.path, recursive=True))
    for name, provider in sorted(settings.thirdparty.providers.items()):
        if provider.kind != "folder" or provider.path is None:
            continue  # an SFTP drop is the provider's disk: their retention, see docs/security.md
        for part, sub in (("orders", provider.outbox_dir), ("archive", provider.archive_dir),
                          ("errors", provider.error_dir)):  # fmt: skip
            places.append(FilePlace(f"3pl:{name}:{part}", provider.path / sub))
    return places


def due_files(place: FilePlace, cutoff: datetime) -> list[Path]:
    """Plain files in the place last written before `cutoff` (links are never followed)."""
    if not place.folder.is_dir():
        return []
    limit = cutoff.timestamp()
    found: list[Path] = []
    walk = os.walk(place.folder) if place.recursive else [(str(place.folder), [], None)]
    for root, _dirs, _files in walk:
        with os.scandir(root) as entries:
            for entry in entries:
                if entry.is_file(follow_symlinks=False) and (
                    entry.stat(follow_symlinks=False).st_mtime < limit
                ):
                    found.append(Path(entry.path))
    return sorted(found)


def remove_files(paths: list[Path]) -> int:
    removed = 0
    for path in paths:
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass  # someone else cleaned it first
    return removed
