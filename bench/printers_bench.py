"""Printer benchmarks (issues 6 and 13).

1. Spool → bytes at a TCP 9100 sink for a pick slip: p50/p95 (target p95 ≤ 50 ms), SQLite file DB,
   and, in the same run, python-escpos' own `Network` printer sending the same bytes to the same
   sink: the spool's p95 may be at most 1.5 × escpos' (ratio = 1.5 × escpos p95 / spool p95).
2. A PDF to CUPS over IPP, spool → CUPS reports the job completed: p95 (target ≤ 300 ms), and
   `lp` + waiting for the same completion in the same run (ratio = lp p95 / spool p95, keep ≥ 1);
   needs a cupsd with the PACKDESK_PDF queue (`bash .ci/cups.sh`), else reported as skipped.
3. A burst of 100 jobs over 3 printers, one of them offline for the first second: every job
   delivered exactly once.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.config import Settings
from core.persistence.database import open_database
from core.persistence.models import PrintJobRow
from core.ports import PrintRequest
from printers import Backoff, PickLine, PickSlip, Spool, pick_slip_request
from printers.render.testpage import pdf_test_page
from printers.transports import CupsTransport
from tests.printers.conftest import cups_env
from tests.printers.sink import Sink
from tests.support.escpos_decode import barcodes_of, decode


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def settings(printers: dict[str, dict[str, object]], routes: dict[str, str]) -> Settings:
    return Settings.model_validate(
        {"station": "desk-1", "printers": printers, "stations": {"desk-1": {"routes": routes}}}
    )


async def until(check, deadline_s: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + deadline_s
    while not await check():
        if time.monotonic() > end:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.0005)


def slip(ref: str) -> PickSlip:
    return PickSlip(
        ref,
        tuple(
            PickLine(f"SKU-{i}", f"Artikel {i} – Größe M", i % 3 + 1, f"A-{i:02}") for i in range(6)
        ),
        created_at=datetime.now(UTC),
    )


async def bench_pick_slip(n: int = 200) -> None:
    sink = await Sink().start()
    spool = Spool(
        settings(
            {"receipt": {"kind": "escpos", "host": sink.host, "port": sink.port}},
            {"pick_slip": "receipt"},
        ),
        poll_interval_s=1.0,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(spool.run(stop))
    times = []
    for i in range(n + 10):
        before = len(sink.jobs)
        started = time.perf_counter()
        await spool.submit(
            pick_slip_request("desk-1", slip(f"302-{i:07}"), key=f"bench-{uuid.uuid4()}")
        )

        async def arrived(before: int = before) -> bool:
            return len(sink.jobs) > before

        await until(arrived)
        if i >= 10:  # warm-up
            times.append((time.perf_counter() - started) * 1000)
    stop.set()
    await task
    spooled = sink.jobs[-1]
    escpos_times = await bench_python_escpos(sink, spooled, n)
    assert sink.jobs[-1] == spooled, "python-escpos must send the very same bytes"
    await sink.stop()
    value = p95(times)
    theirs = p95(escpos_times)
    print(
        f"pick slip spool → TCP sink: n={n} p50={statistics.median(times):.1f} ms "
        f"p95={value:.1f} ms (target ≤ 50 ms, ratio {50 / value:.2f})"
    )
    print(
        f"python-escpos Network, same {len(spooled)} B to the same sink: "
        f"p50={statistics.median(escpos_times):.1f} ms p95={theirs:.1f} ms; spool/escpos p95 "
        f"{value / theirs:.2f}× (target ≤ 1.5×, ratio {1.5 * theirs / value:.2f})"
    )


async def bench_python_escpos(sink: Sink, payload: bytes, n: int) -> list[float]:
    """python-escpos' blocking network printer (in a thread: the sink runs on this loop)."""
    from escpos.printer import Network

    def send() -> None:
        printer = Network(sink.host, port=sink.port, timeout=5)
        printer.open()
        printer._raw(payload)
        printer.close()

    times = []
    for i in range(n + 10):
        before = len(sink.jobs)
        started = time.perf_counter()
        await asyncio.to_thread(send)

        async def arrived(before: int = before) -> bool:
            return len(sink.jobs) > before

        await until(arrived)
        if i >= 10:
            times.append((time.perf_counter() - started) * 1000)
    return times


async def bench_cups(n: int = 40) -> None:
    env = cups_env()
    server, queue = env.get("PACKDESK_TEST_CUPS_SERVER"), env.get("PACKDESK_TEST_CUPS_PDF_QUEUE")
    if (
        not server
        or not queue
        or (await CupsTransport("p", queue, server, 3).probe()).state != "online"
    ):
        print("PDF → CUPS: skipped (no cupsd with the PACKDESK_PDF queue; run `bash .ci/cups.sh`)")
        return
    spool = Spool(
        settings({"a4": {"kind": "cups", "queue": queue, "server": server}}, {"invoice": "a4"})
    )
    stop = asyncio.Event()
    task = asyncio.create_task(spool.run(stop))
    pdf = pdf_test_page("a4", datetime.now(UTC))
    times = []
    for i in range(n + 3):
        started = time.perf_counter()
        job_id = await spool.submit(
            PrintRequest(
                "desk-1", "invoice", f"RE-{i}", "application/pdf", pdf, f"bench-{uuid.uuid4()}"
            )
        )

        async def accepted(job_id: int = job_id) -> bool:
            return await PrintJobRow.filter(id=job_id, status="done").exists()

        await until(accepted)
        if i >= 3:
            times.append((time.perf_counter() - started) * 1000)
    stop.set()
    await task
    lp_times = await bench_lp(server, queue, pdf, n)
    value = p95(times)
    print(
        f"PDF ({len(pdf)} B) spool → CUPS completed: n={n} p50={statistics.median(times):.1f} ms "
        f"p95={value:.1f} ms (target ≤ 300 ms, ratio {300 / value:.2f})"
    )
    if lp_times:
        theirs = p95(lp_times)
        print(
            f"lp → CUPS completed, same PDF: p50={statistics.median(lp_times):.1f} ms "
            f"p95={theirs:.1f} ms; spool/lp p95 {value / theirs:.2f} "
            f"(keep ≤ 1.0, ratio {theirs / value:.2f})"
        )


async def bench_lp(server: str, queue: str, pdf: bytes, n: int) -> list[float]:
    """`lp` (one subprocess per job) and the same wait for CUPS' "completed"."""
    import shutil
    from urllib.parse import urlsplit

    from printers.transports import ipp

    if shutil.which("lp") is None:
        print("lp → CUPS: skipped (no lp)")
        return []
    host = urlsplit(server)
    env = {"CUPS_SERVER": f"{host.hostname}:{host.port or 631}", "PATH": "/usr/bin:/bin"}
    probe = CupsTransport("lp", queue, server, 10)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        times = []
        for i in range(n + 3):
            started = time.perf_counter()
            proc = await asyncio.create_subprocess_exec(
                "lp", "-d", queue, "-t", f"lp-{i}", file.name, env=env,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            out, _ = await proc.communicate()
            cups_job = int(out.decode().split()[3].rsplit("-", 1)[1])  # "request id is Q-12 …"
            async with probe._session() as session:

                async def completed(cups_job: int = cups_job) -> bool:
                    state, _ = await probe._job_state(session, cups_job)
                    return state == ipp.JOB_COMPLETED

                await until(completed)
            if i >= 3:
                times.append((time.perf_counter() - started) * 1000)
    return times


async def bench_burst(total: int = 100, offline_s: float = 1.0) -> None:
    sinks = [await Sink().start() for _ in range(3)]
    late_port = sinks[2].port
    await sinks[2].stop()  # printer 3 is off at first
    names = ["p1", "p2", "p3"]
    kinds = ["pick_slip", "receipt", "delivery_note"]
    spool = Spool(
        settings(
            {
                n: {"kind": "escpos", "host": "127.0.0.1", "port": s.port, "timeout_s": 1}
                for n, s in zip(names, sinks, strict=True)
            },
            dict(zip(kinds, names, strict=True)),
        ),
        backoff=Backoff(base_s=0.1, max_s=0.5),
        poll_interval_s=0.2,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(spool.run(stop))
    started = time.perf_counter()
    expected: dict[str, list[str]] = {n: [] for n in names}
    for i in range(total):
        kind = kinds[i % 3]
        ref = f"303-{i:07}"
        request = pick_slip_request("desk-1", slip(ref), key=f"burst-{uuid.uuid4()}")
        await spool.submit(PrintRequest(**{**request.__dict__, "kind": kind}))
        expected[names[i % 3]].append(ref)
    submitted_ms = (time.perf_counter() - started) * 1000
    await asyncio.sleep(
        offline_s
    )  # printer 3 stays off for a while (this is the scenario, not a wait)
    sinks[2] = await Sink(port=late_port).start()

    async def all_done() -> bool:
        return await PrintJobRow.filter(status="done").count() >= total + 0

    await until(all_done)
    drained_ms = (time.perf_counter() - started) * 1000
    stop.set()
    await task
    retries = sum(r.attempts - 1 for r in await PrintJobRow.filter(printer="p3"))
    delivered = {
        n: [barcodes_of(decode(j))[0] for j in s.jobs] for n, s in zip(names, sinks, strict=True)
    }
    for s in sinks:
        await s.stop()
    dupes = sum(c - 1 for refs in delivered.values() for c in Counter(refs).values() if c > 1)
    exact = all(delivered[n] == expected[n] for n in names)
    print(
        f"burst: {total} jobs over 3 printers, p3 offline {offline_s:g} s: submitted in {submitted_ms:.0f} ms, "
        f"all delivered after {drained_ms:.0f} ms; p3 retries {retries}; duplicates {dupes}; "
        f"each exactly once and in order: {'yes' if exact else 'NO'}"
    )
    if not exact:
        raise SystemExit(1)


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with open_database(f"sqlite://{tmp}/bench.sqlite3"):
            await bench_pick_slip()
            await PrintJobRow.all().delete()
            await bench_cups()
            await PrintJobRow.all().delete()
            await bench_burst()


if __name__ == "__main__":
    asyncio.run(main())
