"""The browser station: beyond localhost only with TLS and the access token; no token, no console."""

from __future__ import annotations

import datetime as dt
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from console.web import COOKIE, GuardedServer

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "a-long-access-token-for-tests-0123456789"


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKDESK_")}
    env.update(PACKDESK_CONFIG=os.devnull, PACKDESK_DATA_DIR=str(tmp_path / "data"),
               PYTHONPATH=str(ROOT), PACKDESK_WEB_TOKEN=TOKEN)  # fmt: skip
    return env


@pytest.mark.parametrize("extra", [[], ["--tls-cert", "c.pem", "--tls-key", "k.pem", "--no-token"]])
def test_beyond_localhost_without_tls_or_token_is_refused(tmp_path, extra):
    out = subprocess.run(
        [sys.executable, "-m", "console.cli", "web", "--host", "0.0.0.0", *extra],
        env=_env(tmp_path), cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr
    assert "--tls-cert" in out.stderr or "token" in out.stderr


async def test_every_request_needs_the_token_then_the_cookie():
    server = GuardedServer("true", host="127.0.0.1", port=0, token=TOKEN, tls=None)
    async with TestClient(TestServer(await server._make_app())) as client:
        assert (await client.get("/")).status == 401
        assert (await client.get("/ws")).status == 401
        assert (await client.get("/static/js/textual.js")).status == 401
        assert (await client.get("/", params={"token": TOKEN[:-1] + "x"})).status == 401
        first = await client.get("/", params={"token": TOKEN})
        assert first.status == 200
        cookie = first.cookies[COOKIE]
        assert cookie.value == TOKEN and cookie["httponly"] and cookie["samesite"] == "Strict"
        assert (await client.get("/")).status == 200  # the cookie from now on


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(1)
        .not_valid_before(now - dt.timedelta(minutes=1)).not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    return cert_path, key_path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status(url: str, context: ssl.SSLContext) -> int:
    try:
        with urllib.request.urlopen(url, context=context, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_served_over_tls_with_the_token(tmp_path):
    cert, key = _self_signed(tmp_path)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "console.cli", "web", "--host", "127.0.0.1", "--port", str(port),
         "--tls-cert", str(cert), "--tls-key", str(key)],
        env=_env(tmp_path), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "packdesk web did not start listening"
                time.sleep(0.1)  # polling a condition with a deadline, not waiting blindly
        assert _status(f"https://127.0.0.1:{port}/", context) == 401
        assert _status(f"https://127.0.0.1:{port}/?token={TOKEN}", context) == 200
        with pytest.raises((urllib.error.URLError, ConnectionError)):  # plain http: nothing
            urllib.request.urlopen(f"http://127.0.0.1:{port}/?token={TOKEN}", timeout=5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
