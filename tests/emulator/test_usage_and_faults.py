"""Usage plans (burst, refusal, refill at the scaled rate) and every fault mode."""

from __future__ import annotations

import asyncio
import gzip

import aiohttp
import pytest

from core.channels.amazon.emulator import Emulator, run_emulator
from core.channels.amazon.emulator.faults import FaultSpecError, parse_spec
from core.channels.amazon.emulator.usage import UsagePlans
from tests.emulator.conftest import Api, since

pytestmark = pytest.mark.network
QUOTA = {
    "errors": [
        {
            "code": "QuotaExceeded",
            "message": "You exceeded your quota for the requested resource.",
            "details": "",
        }
    ]
}


def first_order(emu: Emulator, api: Api) -> str:
    return next(o.order_id for o in emu.state.orders.values() if o.seller_id == api.seller_id)


async def test_burst_then_refusal_then_refill(emu: Emulator, api: Api) -> None:
    order_id = first_order(emu, api)
    for _ in range(30):  # getOrder: burst 30
        status, _, headers = await api.call("GET", f"/orders/v0/orders/{order_id}")
        assert status == 200 and headers["x-amzn-RateLimit-Limit"] == "0.5"
    status, body, headers = await api.call("GET", f"/orders/v0/orders/{order_id}")
    assert status == 429 and body == QUOTA
    assert "x-amzn-RateLimit-Limit" not in headers and headers["x-amzn-RequestId"]
    emu.advance(1.9)  # 0.5/s → not yet a whole token
    assert (await api.call("GET", f"/orders/v0/orders/{order_id}"))[0] == 429
    emu.advance(0.2)
    assert (await api.call("GET", f"/orders/v0/orders/{order_id}"))[0] == 200
    assert (await api.call("GET", f"/orders/v0/orders/{order_id}"))[0] == 429
    # buckets are per seller: another seller is unaffected
    other = Api(emu, api.session, account=1)
    await other.login()
    other_order = first_order(emu, other)
    assert (await other.call("GET", f"/orders/v0/orders/{other_order}"))[0] == 200


def test_time_scale_multiplies_the_refill() -> None:
    now = [0.0]
    plans = UsagePlans(lambda: now[0])
    for _ in range(20):
        assert plans.allow("S", "orders2026.searchOrders")
    assert not plans.allow("S", "orders2026.searchOrders")
    now[0] += 180  # 0.0056/s: one token every ~178.6 emulated seconds
    assert plans.allow("S", "orders2026.searchOrders")
    assert not plans.allow("S", "orders2026.searchOrders")


async def test_time_scale_speeds_the_emulator_clock() -> None:
    async with run_emulator(orders=0, accounts=1, time_scale=1000.0) as emu:
        before = emu.now()
        await asyncio.sleep(0.01)  # real time passes; the emulator's clock is 1000× faster
        assert emu.now() - before >= 9.0


async def test_limits_off_never_refuse() -> None:
    async with (
        run_emulator(orders=5, accounts=1, limits=False, frozen=True) as emu,
        aiohttp.ClientSession() as s,
    ):
        api = Api(emu, s)
        await api.login()
        order_id = first_order(emu, api)
        statuses = {(await api.call("GET", f"/orders/v0/orders/{order_id}"))[0] for _ in range(60)}
        assert statuses == {200}


@pytest.mark.parametrize(
    ("spec", "status", "code"),
    [
        ("429:op=getOrder", 429, "QuotaExceeded"),
        ("500", 500, "InternalFailure"),
        ("503:op=ordersV0", 503, "ServiceUnavailable"),
        ("expired_token", 403, "Unauthorized"),
    ],
)
async def test_error_faults(emu: Emulator, api: Api, spec: str, status: int, code: str) -> None:
    emu.set_faults(spec)
    got, body, headers = await api.call("GET", f"/orders/v0/orders/{first_order(emu, api)}")
    assert got == status and body["errors"][0]["code"] == code
    assert "x-amzn-RateLimit-Limit" not in headers


async def test_fault_rate_and_count_and_op(emu: Emulator, api: Api) -> None:
    order_id = first_order(emu, api)
    emu.set_faults("500:count=2:op=getOrderItems")
    assert (await api.call("GET", f"/orders/v0/orders/{order_id}"))[0] == 200  # other operation
    codes = [
        (await api.call("GET", f"/orders/v0/orders/{order_id}/orderItems"))[0] for _ in range(3)
    ]
    assert codes == [500, 500, 200]
    emu.set_faults("500:rate=0.5:op=getOrderItems")
    codes = [
        (await api.call("GET", f"/orders/v0/orders/{order_id}/orderItems"))[0] for _ in range(24)
    ]
    assert 0 < codes.count(500) < 24


async def test_truncated_and_malformed_json(emu: Emulator, api: Api) -> None:
    order_id = first_order(emu, api)
    for mode in ("truncated", "malformed"):
        emu.set_faults(mode)
        async with api.session.get(
            f"{emu.url}/orders/v0/orders/{order_id}", headers={"x-amz-access-token": api.token}
        ) as r:
            assert r.status == 200 and r.content_type == "application/json"
            with pytest.raises(ValueError):
                await r.json()


async def test_slow_and_reset(emu: Emulator, api: Api) -> None:
    order_id = first_order(emu, api)
    emu.set_faults("slow:seconds=0.3")
    with pytest.raises(asyncio.TimeoutError):
        async with api.session.get(
            f"{emu.url}/orders/v0/orders/{order_id}",
            headers={"x-amz-access-token": api.token},
            timeout=aiohttp.ClientTimeout(total=0.05),
        ) as r:
            await r.read()
    emu.set_faults("reset:count=2")  # aiohttp retries a dropped GET once
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as fresh:
        with pytest.raises(aiohttp.ClientError):
            async with fresh.get(
                f"{emu.url}/orders/v0/orders/{order_id}", headers={"x-amz-access-token": api.token}
            ) as r:
                await r.read()
    assert (await api.call("GET", f"/orders/v0/orders/{order_id}"))[0] == 200


async def test_invalid_grant_at_lwa(emu: Emulator, api: Api) -> None:
    async with api.session.post(
        emu.url + "/_emulator/faults", json={"spec": "invalid_grant:count=1"}
    ) as r:
        assert r.status == 200
    creds = emu.credentials
    form = {
        "grant_type": "refresh_token",
        "refresh_token": api.account["refresh_token"],
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
    }
    async with api.session.post(creds["lwa_url"], data=form) as r:
        assert r.status == 400 and (await r.json())["error"] == "invalid_grant"
    async with api.session.post(creds["lwa_url"], data=form) as r:
        assert r.status == 200


async def test_gzip_flag_on_a_plain_document(emu: Emulator, api: Api) -> None:
    _, body, _ = await api.call(
        "POST",
        "/reports/2021-06-30/reports",
        body={
            "reportType": "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL",
            "marketplaceIds": api.marketplaces,
            "dataStartTime": since(30),
        },
    )
    emu.advance(30)
    _, report, _ = await api.call("GET", f"/reports/2021-06-30/reports/{body['reportId']}")
    emu.set_faults("gzip_plain")
    _, doc, _ = await api.call("GET", f"/reports/2021-06-30/documents/{report['reportDocumentId']}")
    assert doc["compressionAlgorithm"] == "GZIP"
    async with api.session.get(doc["url"]) as r:
        raw = await r.read()
    assert not raw.startswith(b"\x1f\x8b") and raw.startswith(b"amazon-order-id\t")
    with pytest.raises(gzip.BadGzipFile):
        gzip.decompress(raw)


async def test_faults_settable_at_run_time_and_bad_specs_refused(emu: Emulator, api: Api) -> None:
    async with api.session.post(
        emu.url + "/_emulator/faults", json={"faults": [{"mode": "503", "ops": ["getOrder"]}]}
    ) as r:
        assert r.status == 200
    assert (await api.call("GET", f"/orders/v0/orders/{first_order(emu, api)}"))[0] == 503
    async with api.session.post(emu.url + "/_emulator/faults", json={"spec": "explode"}) as r:
        assert r.status == 400
    with pytest.raises(FaultSpecError):
        parse_spec("500:rate=2")
