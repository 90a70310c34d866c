"""Jobs that fail for missing configuration wait in `needs_config`, never die of it, and run when fixed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.carriers.amazon_buy_shipping import AmazonBuyShipping
from core.domain.outbox import JobKind, OutboxJob
from core.errors import ConfigurationMissing
from core.persistence.models import OutboxJobRow
from core.services.outbox import OutboxRunner, queue_job, retry_job


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_waiting_job_is_rechecked_not_killed(db):
    clock = Clock()
    company: dict[str, str] = {}

    async def needs_phone(job: OutboxJob) -> None:
        if not company.get("phone"):
            raise ConfigurationMissing("company.phone is not set")

    await queue_job(JobKind.BUY_LABEL, 1, {})
    runner = OutboxRunner(
        {JobKind.BUY_LABEL: needs_phone}, max_attempts=2, clock=clock, config_recheck_s=300
    )
    for _ in range(5):  # however often it runs, it never uses up attempts and dies
        clock.now += timedelta(seconds=301)
        summary = await runner.run_once()
        assert summary.needs_config == 1 and summary.dead == 0
    row = await OutboxJobRow.get(kind=JobKind.BUY_LABEL)
    assert row.status == "needs_config" and row.attempts == 0
    assert "company.phone" in row.last_error
    # Before the recheck time the same runner leaves it alone…
    assert (await runner.run_once()).needs_config == 0
    # …a runner that starts after the fix (the config read anew) runs it at once.
    company["phone"] = "+49 30 1234567"
    fresh = OutboxRunner({JobKind.BUY_LABEL: needs_phone}, clock=clock)
    assert (await fresh.run_once()).done == 1
    assert (await OutboxJobRow.get(kind=JobKind.BUY_LABEL)).status == "done"


async def test_a_person_can_retry_a_waiting_job_now(db):
    clock = Clock()

    async def missing(job: OutboxJob) -> None:
        raise ConfigurationMissing("company.name is not set")

    await queue_job(JobKind.ISSUE_INVOICE, 7, {})
    runner = OutboxRunner({JobKind.ISSUE_INVOICE: missing}, clock=clock)
    await runner.run_once()
    row = await OutboxJobRow.get(kind=JobKind.ISSUE_INVOICE)
    await retry_job(row.id)
    assert (await OutboxJobRow.get(id=row.id)).status == "pending"


class NoCalls:
    def __getattr__(self, name: str) -> object:
        raise AssertionError("no request may reach Amazon without a complete ship-from")


@pytest.mark.parametrize("missing", ["email", "phone", "street"])
async def test_buy_shipping_without_email_or_phone_waits_for_company(missing):
    ship_from = {
        "name": "Muster GmbH", "line1": "Lagerstraße 1", "street": "Lagerstraße 1",
        "city": "Berlin", "postcode": "10115", "country": "DE",
        "email": "versand@muster.example", "phone": "+49 30 1234567",
    }  # fmt: skip
    ship_from[missing] = ""
    if missing == "street":
        ship_from["line1"] = ""
    carrier = AmazonBuyShipping(NoCalls(), ship_from)  # type: ignore[arg-type]

    class Request:
        ship_from: dict[str, str] = {}  # noqa: RUF012
        items = (("1", 1),)
        weight_g = 500
        package_reference = "P1"
        station = "desk-1"

        class order:
            external_id = "302-1"

    with pytest.raises(ConfigurationMissing, match=f"company.{missing} is not set"):
        await carrier.create_label(Request())  # type: ignore[arg-type]
