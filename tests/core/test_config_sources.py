"""A bad value is blamed on where it came from: the config file, or the environment variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import ConfigError, load_settings


def test_bad_environment_value_names_the_variable_not_the_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[database]\nbusy_timeout_ms = 4000\n")
    env = {"PACKDESK_DATABASE_BUSY_TIMEOUT_MS": "soon"}
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ=env)
    text = str(caught.value)
    assert text.startswith(
        "PACKDESK_DATABASE_BUSY_TIMEOUT_MS (environment): database.busy_timeout_ms"
    )
    assert str(config) not in text


def test_bad_file_value_still_names_the_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[database]\nbusy_timeout_ms = "soon"\n')
    with pytest.raises(ConfigError, match=rf"^{config}: database.busy_timeout_ms"):
        load_settings(config, environ={})
