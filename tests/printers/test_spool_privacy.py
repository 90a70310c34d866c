"""Personal data in the spool: payloads sealed at rest, deleted (with folder files) after retention."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core.persistence.models import PrintJobRow
from core.ports import PrintRequest
from core.security import SecretBox
from printers import Spool
from printers.worker import utcnow
from tests.printers.conftest import make_settings

BUYER = "Zofia Wójcik, ul. Piotrkowska 1, 90-001 Łódź"


def settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    return make_settings(
        {"files": {"kind": "folder", "path": str(tmp_path / "out")}}, {"delivery_note": "files"}
    )


def note(key: str) -> PrintRequest:
    return PrintRequest("desk-1", "delivery_note", "LS-1", "text/plain", BUYER.encode(), key)


async def test_payload_is_sealed_at_rest_and_prints_in_clear(
    db: str, box: SecretBox, tmp_path: Path
) -> None:
    spool = Spool(settings(tmp_path), box=box)
    job_id = await spool.submit(note("n-1"))
    stored = bytes((await PrintJobRow.get(id=job_id)).payload)
    assert "Wójcik".encode() not in stored and b"Piotrkowska" not in stored
    await spool.worker("files").drain()
    (printed,) = (tmp_path / "out").iterdir()
    assert printed.read_bytes() == BUYER.encode()
    copy = await spool.reprint(job_id)  # a copy is sealed too, and prints the same
    assert b"Piotrkowska" not in bytes((await PrintJobRow.get(id=copy)).payload)


async def test_printed_jobs_and_their_files_go_after_the_retention(
    db: str, box: SecretBox, tmp_path: Path
) -> None:
    spool = Spool(settings(tmp_path), box=box, retention=timedelta(days=2))
    old, fresh, waiting = [await spool.submit(note(k)) for k in ("a", "b", "c")]
    await spool.worker("files").drain()
    await PrintJobRow.filter(id=waiting).update(status="queued")
    await PrintJobRow.filter(id=old).update(printed_at=utcnow() - timedelta(days=3))
    await PrintJobRow.filter(id=waiting).update(updated_at=utcnow() - timedelta(days=3))
    assert await spool.purge() == 1
    assert sorted(r.id for r in await PrintJobRow.all()) == sorted([fresh, waiting])
    names = sorted(p.name.split("-", 1)[0] for p in (tmp_path / "out").iterdir())
    assert str(old) not in names and str(fresh) in names
