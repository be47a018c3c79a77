"""The quarter page and its exports; health, readiness and metrics."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from common.clock import utcnow
from common.passwords import hash_password
from db.models import Application, StaffUser, WorkerHeartbeat
from db.session import make_engine, migrate, session_scope
from tests.web.conftest import PASSWORD, SAMPLES, post_form, process, sign_in, web_settings
from web.server import create_app


def test_the_quarter_counts_and_charts_a_cycle(admin, site):
    apps = site.applications()
    cycle = max(app.review_cycle for app in apps if app.review_cycle)
    page = admin.get("/quarter", params={"cycle": cycle}).text
    in_cycle = [app for app in apps if app.review_cycle == cycle]
    assert f"{len(in_cycle)} application" in page
    assert "<svg" in page and "<rect" in page
    assert f"/quarter/export.xlsx?cycle={cycle}" in page


def test_the_exports_hold_the_cycle_applications(admin, site):
    apps = site.applications()
    cycle = max(app.review_cycle for app in apps if app.review_cycle)
    expected = sorted(app.reference for app in apps if app.review_cycle == cycle)
    response = admin.get("/quarter/export.csv", params={"cycle": cycle})
    assert response.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(row["reference"] for row in rows) == expected
    response = admin.get("/quarter/export.xlsx", params={"cycle": cycle})
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["applications"]
    header = [cell.value for cell in sheet[1]]
    references = [row[header.index("reference")] for row in sheet.iter_rows(2, values_only=True)]
    assert sorted(references) == expected


def test_health_readiness_and_metrics_need_no_sign_in(anonymous, site):
    with site.session() as session:
        session.add(WorkerHeartbeat(name="poll", last_success_at=utcnow()))
        session.commit()
    assert anonymous.get("/healthz").text == "ok\n"
    assert anonymous.get("/readyz").status_code == 200
    metrics = anonymous.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert re.search(r"^mpp_last_successful_poll_timestamp_seconds [1-9]\d{9}", text, re.M)
    total = sum(int(n) for n in re.findall(r'^mpp_applications\{status="\w+"\} (\d+)', text, re.M))
    assert total == len(site.applications())
    assert re.search(r"^mpp_outbox_backlog \d+$", text, re.M)
    assert re.search(r'^mpp_replies\{status="sent"\} \d+$', text, re.M)
    assert "# TYPE mpp_applications gauge" in text


def test_readiness_fails_when_the_database_is_unreachable(site):
    broken = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    with TestClient(create_app(site.settings, broken)) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503


@pytest.mark.postgres
def test_the_main_pages_work_on_postgresql(postgres_url, tmp_path):
    settings = web_settings(tmp_path).with_overrides(database={"url": postgres_url})
    engine = make_engine(postgres_url)
    migrate(engine)
    process(settings, engine, [path.read_bytes() for path in SAMPLES[:4]])
    with session_scope(engine) as session:
        session.add(
            StaffUser(username="admin", password_hash=hash_password(PASSWORD), role="admin")
        )
    with TestClient(create_app(settings, engine)) as client:
        assert sign_in(client, "admin").status_code == 303
        with Session(engine) as session:
            app = session.exec(select(Application).order_by(Application.id)).first()
        for path in (
            "/",
            f"/?q={app.sender}&sort=findings&order=desc",
            "/matching",
            "/quarter",
            "/messages",
            f"/applications/{app.reference}",
            "/partnerships",
            "/metrics",
        ):
            assert client.get(path).status_code == 200, path
        page = f"/applications/{app.reference}"
        post_form(client, f"{page}/fields", {"field": "contact_person", "value": ""}, page=page)
        assert "CONTACT_PERSON_MISSING" in client.get(page).text
        export = client.get("/quarter/export.xlsx", params={"cycle": app.review_cycle})
        assert load_workbook(io.BytesIO(export.content))["applications"].max_row >= 2
    engine.dispose()


def test_staff_see_a_banner_when_polling_fails(admin, site):
    assert "Polling the mailbox is failing" not in admin.get("/").text
    with site.session() as session:
        now = utcnow()
        session.add(
            WorkerHeartbeat(
                name="poll",
                last_success_at=now - timedelta(hours=2),
                last_failure_at=now,
                last_error="IMAP login failed",
            )
        )
        session.commit()
    assert "Polling the mailbox is failing: IMAP login failed" in admin.get("/").text
    with site.session() as session:
        beat = session.get(WorkerHeartbeat, "poll")
        assert beat is not None
        beat.last_success_at = utcnow()
        session.add(beat)
        session.commit()
    assert "Polling the mailbox is failing" not in admin.get("/").text
