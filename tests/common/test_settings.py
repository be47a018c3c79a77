from pathlib import Path

import pytest

from common.errors import ConfigError
from common.settings import Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_example_file_gives_the_defaults():
    assert load_settings(EXAMPLE) == Settings()


def test_unknown_key_is_named(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[mailbox]\nsourc = "imap"\n')
    with pytest.raises(ConfigError, match=r"mailbox\.sourc"):
        load_settings(config)


def test_wrong_type_is_named(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[mailbox]\nbatch_size = "many"\n')
    with pytest.raises(ConfigError, match=r"mailbox\.batch_size"):
        load_settings(config)


def test_bad_time_zone_is_refused(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[programme]\ntimezone = "Mars/Olympus"\n')
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        load_settings(config)


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.toml")


def test_imap_password_comes_from_the_environment(monkeypatch):
    settings = Settings().with_overrides(mailbox={"source": "imap", "password_env": "X_PW"})
    monkeypatch.delenv("X_PW", raising=False)
    with pytest.raises(ConfigError, match="X_PW"):
        settings.mailbox.password()
    monkeypatch.setenv("X_PW", "s3cret")
    assert settings.mailbox.password() == "s3cret"
