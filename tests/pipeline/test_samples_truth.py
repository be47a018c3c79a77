"""The public samples end to end against their expected decisions (truth.json)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from db.export import export_applications
from db.partnerships import import_partnerships_csv
from db.session import session_scope
from intake.model import IncomingMessage
from intake.pipeline import make_context, process_message
from intake.storage import sha256_hex
from notifications.delivery import deliver_due, make_transport
from tests.pipeline.helpers import SHARED, make_settings

TRUTH = SHARED / "samples" / "truth.json"


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    if not TRUTH.exists():
        pytest.skip(f"*** {TRUTH} is absent: the truth comparison needs ../shared ***")
    from db.session import make_engine, migrate

    tmp = tmp_path_factory.mktemp("truth")
    settings = make_settings(tmp, f"sqlite:///{tmp / 'mpp.db'}")
    engine = make_engine(settings.database.url)
    migrate(engine)
    truth = json.loads(TRUTH.read_text())
    with session_scope(engine) as session:
        csv = (SHARED / "samples" / truth["past_partnerships"]).read_text()
        import_partnerships_csv(session=session, text=csv, actor="test")
    ctx = make_context(settings, engine, worker_id="truth")
    for case in truth["cases"]:
        raw = (SHARED / "samples" / "cases" / case["eml"]).read_bytes()
        process_message(IncomingMessage(f"sha256:{sha256_hex(raw)}", raw, None), ctx)
    deliver_due(engine, make_transport(settings), settings)
    with Session(engine) as session:
        exported = {item["message_id"]: item for item in export_applications(session=session)}
    return truth, exported


def cases():
    if not TRUTH.exists():
        return []
    return [pytest.param(case, id=case["id"]) for case in json.loads(TRUTH.read_text())["cases"]]


@pytest.mark.parametrize("case", cases())
def test_sample_decision_matches_truth(outcome, case):
    _truth, exported = outcome
    item = exported.get(case["message_id"])
    if item is None:
        assert case["export_optional"], f"{case['id']} is missing from the export"
        return
    codes = {finding["code"] for finding in item["findings"]}
    assert item["status"] == case["status"]
    assert set(case["must_have_findings"]) <= codes
    assert not set(case["must_not_have_findings"]) & codes
    kinds = [n["kind"] for n in item["notifications"] if n["kind"] != "receipt"]
    if case["never_answer"]:
        assert item["notifications"] == []
    elif case["reply_kind"] == "none":
        assert kinds == []
    else:
        assert kinds == [case["reply_kind"]]
    assert item["review_cycle"] == case["fields"].get("review_cycle", item["review_cycle"])
