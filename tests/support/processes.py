"""Child processes of the tests never outlive their deadline: a run that hangs is killed, so it
cannot go on working in the shared test database while later tests run."""

from __future__ import annotations

import asyncio


async def finished(proc: asyncio.subprocess.Process, deadline_s: float) -> tuple[bytes, bytes]:
    """`proc.communicate()` within `deadline_s`; past it the child is killed and the test fails."""
    try:
        return await asyncio.wait_for(proc.communicate(), deadline_s)
    except TimeoutError:
        proc.kill()
        _, err = await proc.communicate()
        tail = (err or b"").decode(errors="replace")[-2000:]
        raise AssertionError(f"child process still running after {deadline_s} s:\n{tail}") from None
