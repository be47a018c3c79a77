"""`mpp ingest` then `mpp export --format json`, through the real command line."""

from __future__ import annotations

import json

import jsonschema
import pytest

from cli.main import main
from tests.pipeline.helpers import REPO, SAMPLES

SCHEMA = json.loads((REPO / "docs" / "application-export.schema.json").read_text())


@pytest.fixture
def config(tmp_path, db_url):
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "{db_url}"\n'
        f'[storage]\npath = "{tmp_path / "data"}"\n'
        f'[notifications]\ntransport = "file"\noutbox_dir = "{tmp_path / "outbox"}"\n'
    )
    return str(path)


def export(config, capsys) -> list[dict]:
    capsys.readouterr()
    assert main(["--config", config, "export", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_ingest_then_export_validates_and_is_idempotent(config, capsys, tmp_path):
    assert main(["--config", config, "ingest", str(REPO / "samples")]) == 0
    first = export(config, capsys)
    jsonschema.validate(first, SCHEMA)
    automatic = 1  # the out-of-office reply among the samples is not an application
    assert len(first) == len(SAMPLES) - automatic
    assert len({item["reference"] for item in first}) == len(first)
    written = sorted((tmp_path / "outbox").glob("*.eml"))
    sent = [n for item in first for n in item["notifications"] if n["status"] == "sent"]
    assert len(written) == len(sent) > 0

    assert main(["--config", config, "ingest", str(REPO / "samples")]) == 0
    second = export(config, capsys)
    assert [item["reference"] for item in second] == [item["reference"] for item in first]
    assert sorted((tmp_path / "outbox").glob("*.eml")) == written


def test_partnerships_import_reports_bad_rows(config, tmp_path, capsys):
    csv = tmp_path / "past.csv"
    csv.write_text(
        "state_party,role,completed_on\nMali,mentee,2020-06-10\nAtlantis,mentee,2020-01-01\n"
        "Chile,boss,2020-01-01\nChile,mentor,10/03/2020\n"
    )
    assert main(["--config", config, "partnerships", "import", str(csv)]) == 1
    err = capsys.readouterr().err
    assert "line 3" in err and "Atlantis" in err
    assert "line 4" in err and "line 5" in err
    assert main(["--config", config, "partnerships", "import", str(csv)]) == 1
    assert "0 added, 1 already known" in capsys.readouterr().out


def test_a_wrong_config_key_stops_with_a_clear_message(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('[mailbox]\nfolderr = "INBOX"\n')
    assert main(["--config", str(path), "export"]) == 2
    assert "unknown key 'mailbox.folderr'" in capsys.readouterr().err
