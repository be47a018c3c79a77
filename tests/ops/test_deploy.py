"""The deployment files: units that run real commands, a hardened service, a working SQL set-up."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import uuid
from configparser import ConfigParser
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from cli.main import build_parser
from common.settings import Settings
from db.session import make_engine, migrate
from tests.fixtures.ci import require
from tests.fixtures.database import POSTGRES_URL, postgres_reachable

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "PrivateTmp": "yes",
    "CapabilityBoundingSet": "",
}


def unit(name: str) -> ConfigParser:
    parser = ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((DEPLOY / name).read_text())
    return parser


def mpp_arguments(command: str) -> list[str]:
    """The arguments after the mpp program in an ExecStart line (also inside sh -c '...')."""
    words = shlex.split(command.replace("%%", "%"))
    if words[0] == "/bin/sh":
        words = shlex.split(words[2])
        words = words[1:] if words[0] == "exec" else words
    assert words[0].endswith("/bin/mpp"), command
    return words[1:]


@pytest.mark.parametrize("name", sorted(p.name for p in DEPLOY.glob("*.service")))
def test_each_service_runs_an_mpp_command_with_hardening(name):
    service = unit(name)["Service"]
    for key in ("ExecStartPre", "ExecStart"):
        if key in service:
            build_parser().parse_args(mpp_arguments(service[key]))  # exits on a bad command
    assert service["User"] == "mpp" and service["EnvironmentFile"] == "/etc/mpp/secrets.env"
    for key, value in HARDENING.items():
        assert service[key] == value, (name, key)
    assert "/var/lib/mpp" in service["ReadWritePaths"].split()


@pytest.mark.parametrize("name", ["mpp-worker.service", "mpp-web.service"])
def test_long_running_services_restart_on_failure(name):
    assert unit(name)["Service"]["Restart"] == "on-failure"


def test_every_timer_has_its_service():
    for timer in DEPLOY.glob("*.timer"):
        assert (DEPLOY / timer.name.replace(".timer", ".service")).is_file()
        assert (
            "OnCalendar" in unit(timer.name)["Timer"]
            or "OnUnitActiveSec" in unit(timer.name)["Timer"]
        )


def test_containerfile_is_slim_non_root_and_has_ocr():
    text_ = (DEPLOY / "Containerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", text_, re.M)
    assert "tesseract-ocr" in text_ and "poppler-utils" in text_
    users = re.findall(r"^USER (\S+)$", text_, re.M)
    assert users and users[-1] not in ("root", "0")
    copied = set(re.findall(r"^COPY (\w+) \./\w+$", text_, re.M))
    packages = {"cli", "common", "db", "intake", "notifications", "ops", "parsers", "rules", "web"}
    assert packages <= copied


def test_secrets_example_names_the_variables_the_settings_read():
    names = set(re.findall(r"^([A-Z_]+)=", (DEPLOY / "secrets.env.example").read_text(), re.M))
    defaults = Settings()
    wanted = {
        defaults.mailbox.password_env,
        defaults.notifications.smtp_password_env,
        defaults.web.secret_key_env,
    }
    assert wanted <= names


@pytest.mark.postgres
def test_postgres_sql_gives_a_role_that_can_migrate():
    require(postgres_reachable() and shutil.which("psql") is not None, "PostgreSQL and psql")
    name = f"mpp_t{uuid.uuid4().hex[:10]}"
    sql = re.sub(r"\bmpp\b", name, (DEPLOY / "postgres.sql").read_text())
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-q",
                "-v",
                "mpp_password=set-up-test",
                "-f",
                "-",
            ],
            input=sql,
            text=True,
            check=True,
            capture_output=True,
        )
        engine = make_engine(f"postgresql+psycopg://{name}:set-up-test@127.0.0.1:5432/{name}")
        migrate(engine)
        engine.dispose()
        with admin.connect() as connection:
            superuser = connection.execute(
                text("select rolsuper from pg_roles where rolname = :n"), {"n": name}
            ).scalar_one()
        assert superuser is False
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'drop database if exists "{name}" with (force)'))
            connection.execute(text(f'drop role if exists "{name}"'))
        admin.dispose()
