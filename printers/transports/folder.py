"""The folder printer: each job becomes one file a person can find (demo, tests, PDF archive).

Files are named `<job id>-<kind>-<title>.<ext>` and written atomically (temporary name, then
rename), so a half-written file never shows up; a retry of a job already there is not written again.
"""

from __future__ import annotations

import asyncio
import os
import re
import unicodedata
from pathlib import Path

from printers.errors import PrinterOffline
from printers.status import OFFLINE, ONLINE, PrinterStatus
from printers.transports.base import Delivery, OutgoingJob


def slug(text: str, limit: int = 60) -> str:
    """A file-name-safe version of a title: ASCII letters, digits, dot, dash, underscore."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "_", plain).strip("._")[:limit] or "job"


class FolderTransport:
    """Write jobs as files into `folder`."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.folder = folder

    def file_name(self, job: OutgoingJob) -> str:
        return f"{job.id}-{job.kind}-{slug(job.title)}.{job.extension}"

    def _write(self, job: OutgoingJob) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        existing = sorted(self.folder.glob(f"{job.id}-*"))
        done = [p for p in existing if not p.name.endswith(".part")]
        if done:
            return done[0].name
        target = self.folder / self.file_name(job)
        part = target.with_name(target.name + ".part")
        with part.open("wb") as out:
            out.write(job.payload)
            out.flush()
            os.fsync(out.fileno())
        part.replace(target)
        return target.name

    async def send(self, job: OutgoingJob) -> Delivery:
        try:
            name = await asyncio.to_thread(self._write, job)
        except OSError as exc:
            raise PrinterOffline(
                f"Folder printer {self.name} cannot write to {self.folder} ({exc.strerror or exc})."
            ) from None
        return Delivery(f"file:{name}")

    async def probe(self) -> PrinterStatus:
        if self.folder.is_dir() and os.access(self.folder, os.W_OK):
            return PrinterStatus(self.name, ONLINE, f"writes files to {self.folder}")
        if not self.folder.exists() and os.access(self.folder.parent, os.W_OK):
            return PrinterStatus(self.name, ONLINE, f"will create {self.folder}")
        return PrinterStatus(self.name, OFFLINE, f"cannot write to {self.folder}")
