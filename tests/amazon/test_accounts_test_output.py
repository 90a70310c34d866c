"""`accounts test` says OK without a warning about the 404 its probe expects (issue 18)."""

from __future__ import annotations

import json

import pytest

from tests.amazon.test_accounts_cli import Shell, _secrets

pytestmark = pytest.mark.network


async def test_ok_comes_without_a_404_warning(emu, tmp_path):
    creds = emu.credentials
    sh = Shell(tmp_path, _secrets(creds))
    path = tmp_path / "emu.credentials"
    path.write_text(json.dumps(creds))
    assert (await sh("import", str(path)))[0] == 0
    code, out, err = await sh("test", creds["accounts"][0]["name"])
    assert code == 0 and out.startswith("OK  "), out + err
    assert "404" not in err and "failed" not in err, err
