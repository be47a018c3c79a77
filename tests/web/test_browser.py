"""Staff work in a real browser (Debian's Chromium) against the real server and SMTP server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from openpyxl import load_workbook
from sqlmodel import select

from db.models import Application, Document
from tests.fixtures.ci import require
from tests.fixtures.net import free_port
from tests.web.conftest import PASSWORD, Site, make_pair, web_settings
from web.schedule import add_months
from web.server import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

pytestmark = pytest.mark.browser


@pytest.fixture
def live(site: Site, smtp_server) -> Iterator[tuple[str, Site, Any]]:  # type: ignore[no-untyped-def]
    """The real server on a free loopback port, sending replies to the SMTP server."""
    smtp_port = smtp_server.port
    settings = web_settings(
        site.folder,
        notifications={
            "transport": "smtp",
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_port,
            "smtp_security": "none",
            "smtp_timeout_seconds": 10,
        },
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, site.engine), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the web server did not start"
    yield f"http://127.0.0.1:{port}", site, smtp_server
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(live):  # type: ignore[no-untyped-def]
    """A signed-in Chromium page; fails the test on any Content-Security-Policy violation."""
    require(CHROMIUM.exists(), "Chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    base = live[0]
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            viewport={"width": 1400, "height": 900}, accept_downloads=True, base_url=base
        )
        tab = context.new_page()
        tab.on(
            "console",
            lambda message: (
                problems.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        tab.goto("/login")
        tab.fill("#username", "admin")
        tab.fill("#password", PASSWORD)
        tab.click("button:has-text('Sign in')")
        tab.wait_for_url(f"{base}/")
        yield tab
        browser.close()
    assert problems == []


def shoot(tab, name: str) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def with_form(site: Site) -> Application:
    with site.session() as session:
        for app in site.applications():
            has_documents = session.exec(
                select(Document).where(Document.application_id == app.id)
            ).first()
            if app.justification and has_documents:
                return app
    raise AssertionError("no sample application has a readable form")


def test_filter_open_and_correct_an_application(page, live):  # type: ignore[no-untyped-def]
    _, site, _ = live
    shoot(page, "queue")
    page.select_option("#f-status", "incomplete")
    page.click("button:has-text('Filter')")
    page.wait_for_url("**status=incomplete**")
    badges = page.locator("tbody .badge[class*='status-']").all_inner_texts()
    assert badges and set(badges) == {"incomplete"}

    app = with_form(site)
    page.goto("/")
    page.fill("#q", app.reference)
    page.press("#q", "Enter")
    page.click(f"a:has-text('{app.reference}')")
    page.wait_for_url(f"**/applications/{app.reference}")
    shoot(page, "application")
    assert "JUSTIFICATION_MISSING" not in page.inner_text("#findings")

    row = page.locator("#field-justification")
    row.locator("summary").click()
    row.locator("textarea").fill("")
    row.locator("button:has-text('Save correction')").click()
    page.wait_for_selector(".flash.ok")
    assert "New findings: JUSTIFICATION_MISSING" in page.inner_text(".flash.ok")
    assert "JUSTIFICATION_MISSING" in page.inner_text("#findings")
    shoot(page, "application-corrected")


def test_draft_edit_and_send_a_reply_to_the_smtp_server(page, live):  # type: ignore[no-untyped-def]
    _, site, smtp = live
    app = with_form(site)
    page.goto(f"/applications/{app.reference}")
    page.select_option("#reply-kind", "incomplete")
    page.click("button:has-text('Draft from template')")
    page.wait_for_url("**/replies/*")
    subject = f"Your application {app.reference}: one more document"
    page.fill("#subject", subject)
    page.click("button:has-text('Save draft')")
    page.wait_for_selector(".flash.ok")
    shoot(page, "reply-draft")
    page.click("button:has-text('Send now')")
    page.wait_for_url(f"**/applications/{app.reference}")
    assert "Reply sent." in page.inner_text(".flash")
    [received] = [item for item in smtp.messages if item.message["Subject"] == subject]
    assert app.sender.lower() in [address.lower() for address in received.envelope_to]
    assert received.message["Message-ID"]


def test_record_a_pairing(page, live):  # type: ignore[no-untyped-def]
    _, site, _ = live
    mentee, mentor = make_pair(site)
    page.goto("/matching")
    shoot(page, "matching")
    section = page.locator("section", has=page.locator(f"h2:has-text('{mentee.state_party}')"))
    row = section.locator("tr", has=page.locator(f"a:has-text('{mentor.state_party}')"))
    first = date.today() + timedelta(days=120)
    row.locator("input[type=date]").fill(first.isoformat())
    row.locator("button:has-text('Record pairing')").click()
    page.wait_for_url("**/partnerships/*")
    assert "Partnership recorded" in page.inner_text(".flash.ok")
    text = page.inner_text("main")
    assert first.isoformat() in text and add_months(first, 3).isoformat() in text
    shoot(page, "partnership")


def test_quarter_page_and_xlsx_export(page, live, tmp_path):  # type: ignore[no-untyped-def]
    _, site, _ = live
    apps = site.applications()
    cycle = max(app.review_cycle for app in apps if app.review_cycle)
    page.goto(f"/quarter?cycle={cycle}")
    shoot(page, "quarter")
    with page.expect_download() as download:
        page.click("a:has-text('Download XLSX')")
    saved = tmp_path / "export.xlsx"
    download.value.save_as(saved)
    sheet = load_workbook(saved)["applications"]
    header = [cell.value for cell in sheet[1]]
    references = {row[header.index("reference")] for row in sheet.iter_rows(2, values_only=True)}
    assert references == {app.reference for app in apps if app.review_cycle == cycle}
    page.goto("/messages")
    shoot(page, "messages")
    page.goto("/admin/rules")
    shoot(page, "admin-rules")
