"""Raw TCP 9100 against a real socket peer: delivery, closed port, hang, paper out, status."""

from __future__ import annotations

import time

import pytest

from printers.errors import PaperOut, PrinterHanging, PrinterOffline
from printers.render import PickLine, PickSlip, render_pick_slip_escpos
from printers.transports import OutgoingJob, RawTcpTransport
from tests.printers.sink import Sink
from tests.support.escpos_decode import barcodes_of, decode, qr_of

pytestmark = pytest.mark.network

SLIP = PickSlip("028-5550001-0000001", (PickLine("SKU-1", "Kühlschrank­magnet", 1, "A-1"),))


def job(payload: bytes, attempt: int = 1) -> OutgoingJob:
    return OutgoingJob(7, "pick_slip", "slip", payload, "application/vnd.escpos", "bin", attempt)


async def test_bytes_arrive_whole_and_decode(sink: Sink) -> None:
    payload = render_pick_slip_escpos(SLIP)
    transport = RawTcpTransport("r1", sink.host, sink.port, 2.0, escpos_status=True)
    delivery = await transport.send(job(payload))
    assert sink.jobs == [payload]  # the status query is not part of the job
    tokens = decode(sink.jobs[0])
    assert barcodes_of(tokens) == qr_of(tokens) == [SLIP.order_ref]
    assert delivery.ref.startswith(f"tcp:127.0.0.1:{sink.port}")
    assert delivery.note == ""


async def test_closed_port_is_offline_with_a_sentence(sink: Sink) -> None:
    port = sink.port
    await sink.stop()
    transport = RawTcpTransport("r1", "127.0.0.1", port, 1.0)
    with pytest.raises(PrinterOffline, match=f"127.0.0.1:{port} cannot be reached"):
        await transport.send(job(b"\x1b@x"))
    status = await transport.probe()
    assert status.state == "offline"


async def test_printer_hanging_mid_job_times_out(sink: Sink) -> None:
    sink.mode = "hang"
    payload = b"\x1b@" + b"A" * 3_000_000
    transport = RawTcpTransport("r1", sink.host, sink.port, 0.3)
    started = time.monotonic()
    with pytest.raises(PrinterHanging, match="sent again, whole"):
        await transport.send(job(payload))
    assert time.monotonic() - started < 3
    assert sink.jobs == []


async def test_paper_out_is_reported_before_anything_prints(sink: Sink) -> None:
    sink.mode = "paper_out"
    transport = RawTcpTransport("r1", sink.host, sink.port, 1.0, escpos_status=True)
    with pytest.raises(PaperOut, match="paper has run out"):
        await transport.send(job(b"\x1b@hello\n"))
    assert sink.jobs == []
    assert (await transport.probe()).state == "paper_out"
    sink.mode = "ok"
    assert (await transport.probe()).state == "online"


async def test_printer_that_never_answers_status_still_prints(sink: Sink) -> None:
    sink.mode = "mute"
    transport = RawTcpTransport(
        "r1", sink.host, sink.port, 1.0, escpos_status=True, status_timeout_s=0.1
    )
    await transport.send(job(b"\x1b@one\n"))
    await transport.send(job(b"\x1b@two\n"))  # one miss may be a busy moment: asked again
    asked = sink.dle_queries
    await transport.send(job(b"\x1b@three\n"))  # two in a row: learnt, not asked every job
    assert asked >= 2 and sink.dle_queries == asked
    assert sink.jobs == [b"\x1b@one\n", b"\x1b@two\n", b"\x1b@three\n"]
