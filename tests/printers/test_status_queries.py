"""Zebras are asked `~HS` before a job and after a failure; ESC/POS status comes back after a miss."""

from __future__ import annotations

import pytest

from printers.errors import PaperOut, PrinterOffline, PrinterUnavailable, QueueStopped
from printers.status import parse_zebra_status
from printers.transports import OutgoingJob, RawTcpTransport
from tests.printers.sink import Sink, hs_reply

pytestmark = pytest.mark.network

LABEL = b"^XA^FO50,50^A0N,40,40^FDhello^FS^XZ"


def label_job(payload: bytes = LABEL) -> OutgoingJob:
    return OutgoingJob(5, "label", "L", payload, "application/zpl", "zpl")


def zebra(sink: Sink) -> RawTcpTransport:
    return RawTcpTransport("zebra", sink.host, sink.port, 1.0, zpl_status=True)


@pytest.mark.parametrize(
    ("reply", "error", "words"),
    [
        (hs_reply(paper_out=True), PaperOut, "out of labels"),
        (hs_reply(head_open=True), PrinterOffline, "head is open"),
        (hs_reply(paused=True), QueueStopped, "paused"),
        (hs_reply(buffer_full=True), PrinterUnavailable, "buffer is full"),
    ],
)
async def test_zebra_fault_is_reported_before_anything_prints(
    sink: Sink, reply: bytes, error: type[Exception], words: str
) -> None:
    sink.zebra_status = reply
    with pytest.raises(error, match=words):
        await zebra(sink).send(label_job())
    assert sink.hs_queries == 1 and sink.jobs == []
    assert (await zebra(sink).probe()).state != "online"


async def test_ready_zebra_prints_the_job_without_the_query_in_it(sink: Sink) -> None:
    await zebra(sink).send(label_job())
    assert sink.hs_queries == 1 and sink.jobs == [LABEL]
    status = await zebra(sink).probe()
    assert (status.state, status.detail) == ("online", "ready")


async def test_zebra_is_asked_after_a_failure_and_says_why(sink: Sink) -> None:
    sink.mode, sink.hang_after = "hang", 1000
    sink.zebra_replies = [hs_reply(), hs_reply(paper_out=True)]  # ran out while printing
    with pytest.raises(PaperOut, match=r"out of labels.*sent again, whole"):
        await RawTcpTransport("zebra", sink.host, sink.port, 0.3, zpl_status=True).send(
            label_job(b"^XA^GFA," + b"F" * 3_000_000 + b"^XZ")
        )
    assert sink.hs_queries == 2 and sink.jobs == []


def test_hs_fields() -> None:
    assert parse_zebra_status(hs_reply()) == ("online", "")
    assert parse_zebra_status(b"garbage")[0] == "unknown"


async def test_escpos_status_comes_back_after_one_missed_reply(sink: Sink) -> None:
    transport = RawTcpTransport(
        "r1", sink.host, sink.port, 1.0, escpos_status=True, status_timeout_s=0.1
    )
    sink.mode = "mute"  # busy for a moment: one reply missed
    await transport.send(
        OutgoingJob(1, "receipt", "r", b"\x1b@one\n", "application/vnd.escpos", "bin")
    )
    sink.mode = "paper_out"
    with pytest.raises(PaperOut):  # asked again with the next job: the paper-out is seen
        await transport.send(
            OutgoingJob(2, "receipt", "r", b"\x1b@two\n", "application/vnd.escpos", "bin")
        )
    assert (await transport.probe()).state == "paper_out"
    assert sink.jobs == [b"\x1b@one\n"]
