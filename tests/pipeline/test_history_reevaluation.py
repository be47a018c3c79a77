"""Importing past partnerships after the fact runs the rules again; no reply is re-sent."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from cli.main import main
from common.settings import load_settings
from db import crud
from db.session import make_engine, session_scope
from intake.reevaluate import reevaluate_state_parties
from tests.pipeline.helpers import REPO


@pytest.fixture
def config(tmp_path, sqlite_url):
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "{sqlite_url}"\n[storage]\npath = "{tmp_path / "data"}"\n'
        f'[notifications]\ntransport = "file"\noutbox_dir = "{tmp_path / "outbox"}"\n'
    )
    return str(path)


def exported(config, capsys) -> dict[str, dict]:
    capsys.readouterr()
    main(["--config", config, "export"])
    return {
        item["state_party"].lower(): item
        for item in json.loads(capsys.readouterr().out)
        if item["state_party"]
    }


def test_history_imported_later_changes_findings_but_sends_nothing_new(config, capsys, tmp_path):
    assert main(["--config", config, "ingest", str(REPO / "samples")]) == 0
    before = exported(config, capsys)["mongolia"]
    assert before["status"] == "complete"
    replies = sorted((tmp_path / "outbox").glob("*.eml"))

    csv = tmp_path / "past.csv"
    csv.write_text("state_party,role,completed_on\nMongolia,mentee,2023-09-24\n")
    assert main(["--config", config, "partnerships", "import", str(csv)]) == 0
    out = capsys.readouterr().out
    assert f"{before['reference']}: complete -> ineligible" in out

    after = exported(config, capsys)["mongolia"]
    assert after["status"] == "ineligible"
    assert "REAPPLIED_TOO_SOON" in {finding["code"] for finding in after["findings"]}
    assert after["notifications"] == before["notifications"]
    assert sorted((tmp_path / "outbox").glob("*.eml")) == replies


def test_a_status_set_by_staff_is_kept_when_the_rules_run_again(config, capsys):
    assert main(["--config", config, "ingest", str(REPO / "samples")]) == 0
    item = exported(config, capsys)["mongolia"]
    settings = load_settings(config)
    engine = make_engine(settings.database.url)
    with session_scope(engine) as session:
        application = crud.get_application(session=session, reference=item["reference"])
        assert application is not None
        application.status = "needs_review"
        crud.audit(
            session,
            actor="alice",
            entity="application",
            entity_id=application.id,
            action="status",
            detail={"from": "complete", "to": "needs_review"},
        )
    with session_scope(engine) as session:
        changes = reevaluate_state_parties(session, {"MNG"}, settings, actor="cli")
    assert [(ref, change.status_after) for ref, change in changes] == [
        (item["reference"], "needs_review")
    ]
    with Session(engine) as session:
        kept = crud.get_application(session=session, reference=item["reference"])
        assert kept is not None and kept.status == "needs_review"
    engine.dispose()
