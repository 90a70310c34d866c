"""The desk's command barcodes (the undo window's stop code, the hold reasons' prefix) come from
the settings, with today's codes as defaults; a code a scanner or the sheet cannot carry is refused
at start-up with the key named, never discovered at the desk."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import DEFAULT_HOLD_REASONS, ConfigError, DeskSettings, load_settings
from core.services import holds


def _load(tmp_path: Path, desk: str, environ: dict[str, str] | None = None):
    config = tmp_path / "config.toml"
    config.write_text("[desk]\n" + desk)
    return load_settings(config, environ=environ or {})


def test_the_codes_default_to_those_on_todays_sheets() -> None:
    desk = DeskSettings()
    assert (desk.cancel_code, desk.hold_code_prefix) == ("PD-CANCEL", "PD-HOLD-")
    listed = holds.reasons(desk.hold_reasons, desk.hold_code_prefix)
    assert listed[0].barcode == "PD-HOLD-DAMAGED"
    assert holds.sheet_codes(listed, desk.cancel_code)[-1].barcode == "PD-CANCEL"


def test_configured_codes_are_what_the_desk_understands_and_the_sheet_carries(tmp_path) -> None:
    desk = _load(tmp_path, 'cancel_code = "stop-now"\nhold_code_prefix = "hold-"\n').desk
    assert (desk.cancel_code, desk.hold_code_prefix) == ("STOP-NOW", "HOLD-")  # scans are upper
    listed = holds.reasons(DEFAULT_HOLD_REASONS, desk.hold_code_prefix)
    assert holds.scanned_reason("hold-damaged", listed) == listed[0]
    assert holds.scanned_reason("PD-HOLD-DAMAGED", listed) is None  # an old sheet is not a hold
    assert holds.pick("HOLD-ADDRESS", listed) == listed[2]
    rows = holds.sheet_codes(listed, desk.cancel_code)
    assert [r.barcode for r in rows] == [f"HOLD-{c.upper()}" for c in DEFAULT_HOLD_REASONS] + [
        "STOP-NOW"
    ]


def test_the_environment_sets_the_cancel_code(tmp_path) -> None:
    settings = _load(tmp_path, "", {"PACKDESK_DESK_CANCEL_CODE": "X-STOP"})
    assert settings.desk.cancel_code == "X-STOP"


@pytest.mark.parametrize(
    ("desk", "key"),
    [
        ('cancel_code = "PD CANCEL"\n', "desk.cancel_code"),  # a space: scanners differ on it
        ('cancel_code = "PD-ÄBBRUCH"\n', "desk.cancel_code"),  # not in every scanner's layout
        ('cancel_code = "X"\n', "desk.cancel_code"),  # too short to be scanned by mistake
        ('hold_code_prefix = ""\n', "desk.hold_code_prefix"),
        ('cancel_code = "PD-HOLD-STOP"\n', "desk.cancel_code"),  # would read as a hold reason
    ],
)
def test_a_bad_code_names_its_key(tmp_path, desk, key) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, desk)
    text = str(caught.value)
    assert f"{key}:" in text and len(text.splitlines()) == 1, text
