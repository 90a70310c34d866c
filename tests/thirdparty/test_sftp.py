"""The exchange against a real SFTP server (asyncssh) on 127.0.0.1, key authentication only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncssh
import pytest

from core.config import Settings, ThirdPartyProvider, ThirdPartySettings
from core.persistence.models import OrderRow, OutboxJobRow, PackageRow
from core.thirdparty.cycle import run_thirdparty_cycle
from tests.thirdparty.conftest import COMPANY, DHL_1, third_party_orders, tracking_xml

pytestmark = pytest.mark.network
ORDER = "302-0000001-0000001"


@pytest.fixture
async def sftp_settings(tmp_path: Path) -> AsyncIterator[tuple[Settings, Path]]:
    """An SFTP server rooted at a temp folder; settings that log in with a client key."""
    root = tmp_path / "sftp-root"
    root.mkdir()
    host_key = asyncssh.generate_private_key("ssh-ed25519")
    client_key = asyncssh.generate_private_key("ssh-ed25519")
    key_path = tmp_path / "id_ed25519"
    client_key.write_private_key(str(key_path))
    authorized = tmp_path / "authorized_keys"
    client_key.write_public_key(str(authorized))

    server = await asyncssh.listen(
        "127.0.0.1",
        0,
        server_host_keys=[host_key],
        authorized_client_keys=str(authorized),
        sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=str(root).encode()),
        allow_scp=False,
    )
    port = server.sockets[0].getsockname()[1]
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(
        f"[127.0.0.1]:{port} " + host_key.export_public_key().decode().strip() + "\n"
    )
    settings = Settings(
        company=COMPANY,
        thirdparty=ThirdPartySettings(
            providers={
                "acme": ThirdPartyProvider(
                    kind="sftp",
                    host="127.0.0.1",
                    port=port,
                    username="packdesk",
                    key_path=key_path,
                    known_hosts=known_hosts,
                    path=Path("/exchange"),
                    timeout_s=5,
                )
            }
        ),
    )
    try:
        yield settings, root / "exchange"
    finally:
        server.close()
        await server.wait_closed()


async def test_export_and_tracking_over_sftp(db, box, sftp_settings):
    settings, remote = sftp_settings
    [order_id] = await third_party_orders(box)

    summary = await run_thirdparty_cycle(settings, box)
    assert summary.errors == {} and summary.delivered == 1
    assert (await OrderRow.get(id=order_id)).status == "handed_over"
    assert [p.name for p in (remote / "orders").iterdir()] == [f"packdesk-order-{ORDER}.xml"]

    tracking = remote / "tracking"
    (tracking / "half.xml").write_bytes(b'<?xml version="1.0"?><tracking xmlns="urn:packdesk')
    (tracking / "track.xml").write_bytes(
        tracking_xml((ORDER, [("DHL", DHL_1, [(f"{ORDER}-1", 2), (f"{ORDER}-2", 1)])]))
    )
    (tracking / "broken.xml").write_bytes(b"<tracking><oops></tracking>")
    summary = await run_thirdparty_cycle(settings, box)
    outcomes = {f.name: f.status for f in summary.files["acme"]}
    assert outcomes == {"half.xml": "waiting", "track.xml": "applied", "broken.xml": "rejected"}

    assert (await OrderRow.get(id=order_id)).status == "shipped"
    [package] = await PackageRow.filter(shipment__order_id=order_id)
    assert package.tracking_number == DHL_1
    kinds = sorted(j.kind for j in await OutboxJobRow.all())
    assert kinds.count("amazon.confirm_shipment") == 1 and "mail.invoice" in kinds
    assert next(p.name for p in (tracking / "done").iterdir()).endswith("-track.xml")
    reasons = [p for p in (tracking / "error").iterdir() if p.name.endswith(".reason.txt")]
    assert "not well-formed" in reasons[0].read_text()
    assert (tracking / "half.xml").exists()


async def test_unreachable_server_is_reported_not_raised(db, box, tmp_path):
    settings = Settings(
        company=COMPANY,
        thirdparty=ThirdPartySettings(
            providers={
                "acme": ThirdPartyProvider(
                    kind="sftp",
                    host="127.0.0.1",
                    port=1,
                    username="x",
                    key_path=tmp_path / "nokey",
                    timeout_s=2,
                )
            }
        ),
    )
    summary = await run_thirdparty_cycle(settings, box)
    assert "acme" in summary.errors
