"""``mpp doctor`` against real servers: a good configuration, and each way of breaking it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic import command

from cli.main import main
from db.session import alembic_config, make_engine, migrate
from ops.checks_local import check_storage, check_templates, open_database
from ops.checks_mail import check_mailbox, check_smtp
from ops.doctor import run_checks
from tests.fixtures.net import free_port
from tests.ops.test_alerts import imap_settings
from tests.pipeline.helpers import make_settings

TEMPLATES = Path(__file__).resolve().parents[2] / "notifications" / "templates"


def levels(checks) -> dict[str, str]:
    """Level by check name; the worst wins when a name repeats."""
    order = {"OK": 0, "WARN": 1, "FAIL": 2}
    found: dict[str, str] = {}
    for check in checks:
        if order[check.level] >= order.get(found.get(check.name, "OK"), 0):
            found[check.name] = check.level
    return found


def failures(checks) -> str:
    return " | ".join(check.line() for check in checks if check.level == "FAIL")


def ready(tmp_path, url, imap_mailbox, smtp_server, monkeypatch):
    """A configuration where everything mpp talks to is up and ready."""
    monkeypatch.setenv("MPP_IMAP_PASSWORD", imap_mailbox.password)
    imap_mailbox.create_folder("Processed")
    imap_mailbox.create_folder("Needs attention")
    settings = imap_settings(tmp_path, url, imap_mailbox, smtp_server)
    Path(settings.storage.path).mkdir()
    return settings


@pytest.fixture
def good(tmp_path, sqlite_url, imap_mailbox, smtp_server, monkeypatch):
    return ready(tmp_path, sqlite_url, imap_mailbox, smtp_server, monkeypatch)


@pytest.mark.imap
def test_good_configuration_has_no_failure(
    tmp_path, db_url, engine, imap_mailbox, smtp_server, monkeypatch
):
    checks = run_checks(ready(tmp_path, db_url, imap_mailbox, smtp_server, monkeypatch))
    assert failures(checks) == ""
    found = levels(checks)
    for name in ("database", "imap", "imap folder", "smtp", "storage", "templates", "worker"):
        assert found[name] == "OK", name


@pytest.mark.imap
def test_missing_processed_folder_is_a_warning_with_a_fix(good, imap_mailbox):
    imap_mailbox.reset()
    checks = check_mailbox(good)
    (processed,) = [c for c in checks if "Processed" in c.detail]
    assert processed.level == "WARN" and processed.fix


@pytest.mark.imap
def test_wrong_imap_password_fails_with_the_variable_to_fix(good, monkeypatch):
    monkeypatch.setenv("MPP_IMAP_PASSWORD", "not-the-password")
    (check,) = check_mailbox(good)
    assert check.level == "FAIL" and "sign-in refused" in check.detail
    assert "MPP_IMAP_PASSWORD" in check.fix


def test_missing_imap_password_is_named(tmp_path, sqlite_url, monkeypatch):
    monkeypatch.delenv("MPP_IMAP_PASSWORD", raising=False)
    settings = make_settings(tmp_path, sqlite_url, mailbox={"source": "imap"})
    (check,) = check_mailbox(settings)
    assert check.level == "FAIL" and "MPP_IMAP_PASSWORD" in check.detail


@pytest.mark.imap
def test_imap_server_down_fails(good, monkeypatch):
    down = good.with_overrides(mailbox={"port": free_port()})
    (check,) = check_mailbox(down)
    assert check.level == "FAIL" and "cannot connect" in check.detail


@pytest.mark.imap
def test_missing_polled_folder_fails(good):
    checks = check_mailbox(good.with_overrides(mailbox={"folder": "Applications"}))
    assert levels(checks)["imap folder"] == "FAIL"
    assert "Applications" in failures(checks)


def test_smtp_server_down_fails(tmp_path, sqlite_url):
    settings = make_settings(
        tmp_path,
        sqlite_url,
        notifications={"transport": "smtp", "smtp_port": free_port(), "smtp_security": "none"},
    )
    (check,) = check_smtp(settings)
    assert check.level == "FAIL" and "cannot use the SMTP server" in check.detail


def test_storage_that_cannot_be_written_fails(tmp_path, local_settings):
    settings = local_settings
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    checks = check_storage(settings.with_overrides(storage={"path": str(blocker / "data")}))
    assert [c.level for c in checks] == ["FAIL"]
    assert check_storage(settings.with_overrides(storage={"path": str(blocker)}))[0].level == "FAIL"
    Path(settings.storage.path).mkdir()
    assert [c.level for c in check_storage(settings)] == ["OK", "OK"]


def test_database_not_migrated_fails_and_says_how_to_fix(settings):
    engine = make_engine(settings.database.url)
    with engine.connect():
        pass  # the SQLite file (or the PostgreSQL schema) exists, without tables
    check, opened = open_database(settings)
    assert check.level == "FAIL" and "never created" in check.detail and "mpp init" in check.fix
    command.upgrade(alembic_config(engine), "0001")
    check, opened = open_database(settings)
    assert check.level == "FAIL" and "0001" in check.detail
    migrate(engine)
    check, opened = open_database(settings)
    assert check.level == "OK", check.line()
    for each in (engine, opened):
        each.dispose()


def test_missing_sqlite_file_is_not_created_by_the_doctor(tmp_path, sqlite_url):
    check, engine = open_database(make_settings(tmp_path, sqlite_url))
    assert check.level == "FAIL" and engine is None
    assert not (tmp_path / "mpp.db").exists()


def test_broken_template_fails_naming_the_file(tmp_path, local_settings):
    settings = local_settings
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    (folder / "en" / "receipt.txt.j2").write_text("Dear {{ contact_person \n{% if %}")
    check = check_templates(settings.with_overrides(notifications={"template_dir": str(folder)}))
    assert check.level == "FAIL" and "receipt.txt.j2" in check.detail


def test_command_exit_codes(tmp_path, sqlite_url, capsys):
    config = tmp_path / "mpp.toml"
    config.write_text('[mailbox]\nsourc = "imap"\n')
    assert main(["--config", str(config), "doctor"]) == 1
    assert "FAIL config" in capsys.readouterr().out
    config.write_text(
        f'[database]\nurl = "{sqlite_url}"\n'
        f'[storage]\npath = "{tmp_path / "data"}"\n'
        f'[mailbox]\npath = "{tmp_path / "mail"}"\n'
        f'[notifications]\noutbox_dir = "{tmp_path / "outbox"}"\n'
    )
    assert main(["--config", str(config), "init"]) == 0
    assert main(["--config", str(config), "doctor"]) == 0
    out = capsys.readouterr().out
    assert "OK   database" in out and "0 failed" in out
