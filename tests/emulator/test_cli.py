"""`packdesk emulator`: flags, bad input as one sentence (exit 2)."""

from __future__ import annotations

import pytest

from console.cli import build_parser, main


def test_flags_parse() -> None:
    args = build_parser().parse_args(
        [
            "emulator",
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--seed",
            "5",
            "--accounts",
            "3",
            "--orders",
            "9",
            "--time-scale",
            "60",
            "--faults",
            "500:rate=0.1",
            "--sandbox",
            "--write-credentials",
            "c.json",
        ]
    )
    assert (args.host, args.port, args.seed, args.accounts, args.orders, args.time_scale) == (
        "0.0.0.0",
        0,
        5,
        3,
        9,
        60.0,
    )
    assert args.faults == "500:rate=0.1" and args.sandbox and args.write_credentials == "c.json"


@pytest.mark.parametrize(
    "argv",
    [["--faults", "explode"], ["--accounts", "0"], ["--time-scale", "0"], ["--port", "70000"]],
)
def test_bad_input_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulator", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("packdesk: ") and err.count("\n") == 1
