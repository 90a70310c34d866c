"""`packdesk documents …` as a shell user meets it: files written, stable JSON, exit code 2."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from facturx import get_facturx_xml_from_pdf

from console.cli import main
from core.persistence.database import open_database
from core.security import SecretBox
from tests.documents.einvoice_check import check_xsd
from tests.documents.samples import pdf_text
from tests.documents.support import shipped_fba_order
from tests.support.db import run_apart

ORDER = "305-1111111-2222222"


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data dir with one shipped FBA order and a configured seller, as `packdesk` sees it."""
    key = SecretBox.generate_key()
    env = {
        "PACKDESK_CONFIG": str(tmp_path / "config.toml"),
        "PACKDESK_DATA_DIR": str(tmp_path / "data"),
        "PACKDESK_SECRET_KEY": key.decode(),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "config.toml").write_text(
        '[company]\nname = "Muster Handel GmbH"\nstreet = "Musterweg 1"\npostcode = "10115"\n'
        'city = "Berlin"\nvat_id = "DE123456789"\n',
        encoding="utf-8",
    )

    async def seed() -> None:
        async with open_database(f"sqlite://{tmp_path / 'data' / 'packdesk.sqlite3'}"):
            await shipped_fba_order(SecretBox(key), email=False, upload=False)

    (tmp_path / "data").mkdir()
    run_apart(seed)
    return tmp_path


def _issue(shell: Path) -> None:
    """What the worker's `invoice.issue` job does for the shipped FBA order."""
    from core.config import load_settings
    from core.persistence.models import OrderRow
    from core.services.invoicing import issue_invoice

    async def issue() -> None:
        async with open_database(f"sqlite://{shell / 'data' / 'packdesk.sqlite3'}"):
            order = await OrderRow.get(external_id=ORDER)
            box = SecretBox(os.environ["PACKDESK_SECRET_KEY"].encode())
            await issue_invoice(order.id, company=load_settings().company, box=box)

    run_apart(issue)


# `documents list --json`: one object per document, these keys in this order (`show` adds content)
LISTED = [
    "id", "kind", "number", "order_id", "issued_at", "total", "currency", "refers_to_id", "rendered"
]  # fmt: skip


def test_render_before_issue_is_a_preview_then_writes_the_issued_invoice(
    shell: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    out = shell / "invoice.pdf"
    assert main(["documents", "render", ORDER, "--kind", "invoice", "-o", str(out)]) == 0
    assert "preview" in capsys.readouterr().out
    assert "VORSCHAU" in pdf_text(out.read_bytes())
    assert main(["documents", "list", "--order", ORDER, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []

    _issue(shell)
    assert main(["documents", "render", ORDER, "--kind", "invoice", "-o", str(out)]) == 0
    first = out.read_bytes()
    assert "RE-" in capsys.readouterr().out
    assert "Jürgen" not in pdf_text(first) and "Åsa Öberg" in pdf_text(first)
    assert get_facturx_xml_from_pdf(first)[0] == "factur-x.xml"

    assert main(["documents", "render", ORDER, "-o", str(out)]) == 0
    assert "issued" not in capsys.readouterr().out
    assert out.read_bytes() == first

    assert main(["documents", "list", "--order", ORDER, "--json"]) == 0
    [doc] = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "invoice" and doc["total"] == "59.97" and doc["rendered"] is True
    assert list(doc) == LISTED and doc["currency"] == "EUR" and doc["refers_to_id"] is None

    assert main(["documents", "show", doc["number"], "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["content"]["buyer"]["name"] == "Åsa Öberg"
    assert list(shown) == [*LISTED, "content"] and {k: shown[k] for k in LISTED} == doc

    xml = shell / "x.xml"
    assert (
        main(
            [
                "documents",
                "xrechnung",
                doc["number"],
                "--leitweg-id",
                "04011000-1234512345-06",
                "-o",
                str(xml),
            ]
        )
        == 0
    )
    check_xsd(xml.read_bytes())
    assert b"04011000-1234512345-06" in xml.read_bytes()

    assert main(["documents", "credit", doc["number"], "--reason", "Rücksendung"]) == 0
    assert "credit note GS-" in capsys.readouterr().out


def test_delivery_note_on_request(shell: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = shell / "note.pdf"
    assert main(["documents", "render", ORDER, "--kind", "delivery-note", "-o", str(out)]) == 0
    assert "Lieferschein LS-" in pdf_text(out.read_bytes())


def test_bad_input_is_one_line_and_exit_2(shell: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert main(["documents", "show", "RE-1999-99999"]) == 2
    assert "No document numbered" in capsys.readouterr().err
    monkeypatch.setenv("PACKDESK_COMPANY_VAT_ID", "")
    assert main(["documents", "render", ORDER, "-o", str(shell / "x.pdf")]) == 2
    err = capsys.readouterr().err
    assert "company.vat_id" in err and len(err.strip().splitlines()) == 1


def test_reprint_queues_a_marked_copy_named_by_order_and_number(shell: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    with (shell / "config.toml").open("a", encoding="utf-8") as config:
        config.write(
            f'[printers.archive]\nkind = "folder"\npath = "{shell / "archive"}"\n'
            '[stations.desk-1.routes]\ninvoice = "archive"\n'
        )
    _issue(shell)
    assert main(["documents", "list", "--order", ORDER, "--json"]) == 0
    [doc] = json.loads(capsys.readouterr().out)
    assert main(["documents", "reprint", doc["number"], "--station", "desk-1"]) == 0
    assert f"{doc['number']}: copy queued as print job" in capsys.readouterr().out
    from core.persistence.models import PrintJobRow

    async def queued() -> list[tuple[str, str, str]]:
        async with open_database(f"sqlite://{shell / 'data' / 'packdesk.sqlite3'}"):
            return [(j.printer, j.kind, j.title) for j in await PrintJobRow.all()]

    title = f"{ORDER} {doc['number']} (copy)"
    assert run_apart(queued) == [("archive", "invoice", title)]
    assert main(["documents", "reprint", "RE-1999-99999"]) == 2
