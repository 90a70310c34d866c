"""Mailing invoices through a real SMTP server (aiosmtpd) started by the test on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from core.config import MailSettings
from core.documents.store import get_document, original_pdf
from core.mail import MailTemplates, MailUnavailable, SmtpMailer
from core.persistence.models import DocumentRow, OutboxJobRow
from core.ports import Attachment
from core.services.invoicing import issue_invoice
from core.services.outbox import OutboxRunner, PermanentFailure
from tests.documents.samples import seller
from tests.documents.support import Clock, settings, shipped_fba_order

pytestmark = pytest.mark.network


class Inbox:
    """An aiosmtpd handler that keeps messages and can refuse the next `refuse` attempts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse.pop(0)
        msg = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(msg)  # type: ignore[arg-type]
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def mail_settings(port: int, **extra: Any) -> MailSettings:
    return MailSettings(
        host="127.0.0.1", port=port, security="none", sender="Muster <shop@muster.de>", **extra
    )


async def invoice_job_setup(db: str, box: Any) -> int:
    order_id = await shipped_fba_order(box, upload=False)
    issued = await issue_invoice(order_id, company=seller(), box=box)
    return issued.document_id


def mail_runner(box: Any, port: int, clock: Clock, **extra: Any) -> OutboxRunner:
    from core.documents.handlers import make_document_handlers

    cfg = settings(**mail_settings(port, **extra).model_dump())
    handlers = make_document_handlers(box, cfg, mailer=SmtpMailer(cfg.mail, environ={}))
    return OutboxRunner(handlers, max_attempts=5, base_delay_s=1, clock=clock)


async def test_invoice_arrives_once_in_german_with_the_pdf(db, box, smtp):
    inbox, port = smtp
    doc_id = await invoice_job_setup(db, box)
    clock = Clock()
    run = mail_runner(box, port, clock)

    assert (await run.drain(kinds=["mail.invoice"])).done == 1
    await run.drain()
    [msg] = inbox.messages
    number = (await DocumentRow.get(id=doc_id)).number
    assert msg["Subject"] == f"Ihre Rechnung {number} zur Amazon-Bestellung 305-1111111-2222222"
    assert msg["To"].endswith("@marketplace.amazon.de")
    [part] = list(msg.iter_attachments())
    assert part.get_filename() == f"Rechnung_{number}.pdf"
    assert part.get_content() == await original_pdf(await get_document(doc_id), box)
    assert "Åsa Öberg" in msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]


async def test_server_refusing_then_accepting_delivers_once(db, box, smtp):
    inbox, port = smtp
    await invoice_job_setup(db, box)
    inbox.refuse = ["421 Service not available, try again later"]
    clock = Clock()
    run = mail_runner(box, port, clock)

    first = await run.drain(kinds=["mail.invoice"])
    job = await OutboxJobRow.get(kind="mail.invoice")
    assert first.retried == 1 and job.status == "pending" and "421" in job.last_error
    clock.advance(3600)
    assert (await run.drain(kinds=["mail.invoice"])).done == 1
    assert len(inbox.messages) == 1


async def test_permanent_refusal_kills_the_job_with_the_reason(db, box, smtp):
    inbox, port = smtp
    await invoice_job_setup(db, box)
    inbox.refuse = ["554 Message rejected for <buyer@example.com>"]
    summary = await mail_runner(box, port, Clock()).drain(kinds=["mail.invoice"])
    job = await OutboxJobRow.get(kind="mail.invoice")
    assert summary.dead == 1 and job.status == "dead"
    assert "554" in job.last_error and "buyer@example.com" not in job.last_error
    assert inbox.messages == []


async def test_server_down_is_retryable() -> None:
    mailer = SmtpMailer(mail_settings(free_port(), timeout_s=2), environ={})
    with pytest.raises(MailUnavailable, match="cannot be reached"):
        await mailer.send("a@b.de", "s", "b", [Attachment("x.pdf", "application/pdf", b"%PDF")])
    assert not issubclass(MailUnavailable, PermanentFailure)


def test_seller_templates_override_the_default(tmp_path: Path) -> None:
    (tmp_path / "invoice.fr.txt").write_text(
        "Facture $number de $seller\n\nBonjour $name, voici $kind $number ($total).\n",
        encoding="utf-8",
    )
    content = {
        "language": "fr", "number": "RE-7", "kind": "invoice", "currency": "EUR",
        "order": {"external_id": "171-1", "marketplace": "Amazon.fr"},
        "totals": {"gross": "1234.50"}, "buyer": {"name": "Élodie"}, "seller": {"name": "Muster"},
    }  # fmt: skip
    subject, body = MailTemplates(tmp_path).render(content)
    assert subject == "Facture RE-7 de Muster"
    assert body.startswith("Bonjour Élodie, voici Facture RE-7 (1\u202f234,50 €)")
    en_subject, _ = MailTemplates(tmp_path).render({**content, "language": "en"})
    assert en_subject == "Your invoice RE-7 for Amazon order 171-1"


async def test_mail_after_packing_names_the_tracking_number(db, box, smtp):
    from core.persistence.models import FulfilmentProfileRow, OrderLineRow, OrderRow
    from core.services.claim import claim_order
    from core.services.completion import PackedBox, complete_packing
    from core.services.intake import upsert_orders
    from core.services.setup import ensure_basics
    from tests.support.factories import make_account, make_order

    inbox, port = smtp
    await ensure_basics("desk-1")
    await FulfilmentProfileRow.filter(channel="MFN").update(email_invoice=True)
    acc = await make_account()
    await upsert_orders(acc, [make_order("302-7", account_id=acc)], box)
    order = await OrderRow.get(external_id="302-7")
    await claim_order(order.id, "desk-1", "anna")
    line = await OrderLineRow.get(order_id=order.id)
    await complete_packing(
        order.id,
        [PackedBox({line.id: 1}, tracking_number="00340434161094042557", carrier_name="DHL")],
        station="desk-1", packer="anna", company=seller(), box=box,
    )  # fmt: skip
    assert (await mail_runner(box, port, Clock()).drain(kinds=["mail.invoice"])).done == 1
    [msg] = inbox.messages
    body = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Sendungsnummer: 00340434161094042557 (DHL)" in body
