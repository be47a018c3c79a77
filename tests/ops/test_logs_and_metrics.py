"""JSON log lines and the Prometheus metrics."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from pydantic import ValidationError

from cli.main import main
from common.settings import Settings
from ops.logging_json import configure_logging
from ops.metrics import render_metrics
from tests.ops.conftest import ingest
from tests.pipeline.helpers import SAMPLES

SAMPLE_LINE = re.compile(r'^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?[0-9.e+]+$')


@pytest.fixture
def root_logging():
    """Put the root logger back as it was after the test."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    yield
    root.handlers[:], root.level = saved[0], saved[1]


def test_json_lines_carry_extra_fields_and_exceptions(root_logging):
    stream = io.StringIO()
    configure_logging(verbose=False, log_format="json", stream=stream)
    log = logging.getLogger("mpp.test")
    log.info("recorded %s", "it", extra={"reference": "MPP-2025-00001", "source_key": "imap:1"})
    log.debug("not shown at INFO")
    try:
        raise ValueError("bad\nline")
    except ValueError:
        log.exception("failed", extra={"reference": object()})
    first, second = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert first["message"] == "recorded it" and first["level"] == "INFO"
    assert first["reference"] == "MPP-2025-00001" and first["source_key"] == "imap:1"
    assert first["logger"] == "mpp.test" and first["time"].endswith("+00:00")
    assert "ValueError: bad" in second["exception"] and "object" in second["reference"]
    configure_logging(verbose=False, log_format="text", stream=stream)
    logging.getLogger("mpp.test").info("plain")
    assert stream.getvalue().rstrip().endswith("INFO mpp.test: plain")


def test_metrics_count_what_the_pipeline_recorded(local_settings, local_engine):
    ingest(local_settings, local_engine, SAMPLES[:2])
    text = render_metrics(local_engine, dry_run=False)
    samples = [line for line in text.splitlines() if not line.startswith("#")]
    assert all(SAMPLE_LINE.match(line) for line in samples), samples
    values = dict(line.rsplit(" ", 1) for line in samples)
    assert values['mpp_messages{state="done"}'] == "2"
    statuses = [key for key in values if key.startswith("mpp_applications{")]
    assert sum(int(values[key]) for key in statuses) == 2
    assert int(values["mpp_outbox_backlog"]) >= 2
    assert float(values["mpp_outbox_oldest_pending_age_seconds"]) >= 0
    assert values["mpp_last_successful_poll_timestamp_seconds"] == "0"
    assert values['mpp_alert_active{name="poll"}'] == "0"
    assert values["mpp_dry_run"] == "0"
    assert "# TYPE mpp_replies gauge" in text


def test_alert_addresses_are_checked():
    with pytest.raises(ValidationError, match="not an email address"):
        Settings().with_overrides(alerts={"to": ["staff at opcw"]})
    assert Settings().with_overrides(alerts={"to": ["a@b.org"]}).alerts.to == ["a@b.org"]


def test_alerts_command_prints_the_banner(tmp_path, sqlite_url, capsys, root_logging):
    config = tmp_path / "mpp.toml"
    config.write_text(f'[database]\nurl = "{sqlite_url}"\n[worker]\ndry_run = true\n')
    assert main(["--config", str(config), "alerts", "--notify"]) == 1
    assert "Dry run" in capsys.readouterr().out


def test_configured_json_logs_give_each_message_its_reference(
    tmp_path, sqlite_url, capsys, root_logging
):
    config = tmp_path / "mpp.toml"
    config.write_text(
        f'[database]\nurl = "{sqlite_url}"\n[storage]\npath = "{tmp_path / "data"}"\n'
        f'[notifications]\noutbox_dir = "{tmp_path / "outbox"}"\n[logging]\nformat = "json"\n'
    )
    assert main(["--config", str(config), "ingest", str(SAMPLES[0])]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    recorded = [line for line in lines if line.get("event") == "message"]
    assert len(recorded) == 1 and recorded[0]["outcome"] == "recorded"
    assert re.fullmatch(r"MPP-\d{4}-\d{5}", recorded[0]["reference"])
    replies = [line for line in lines if line.get("event") == "reply"]
    assert replies and all(line["status"] == "sent" for line in replies)


def test_the_worker_reports_how_long_its_last_poll_took(local_settings, local_engine):
    import mailbox

    from intake.worker import Worker

    inbox = mailbox.Maildir(local_settings.mailbox.path, create=True)
    inbox.add(SAMPLES[0].read_bytes())
    Worker(local_settings, local_engine, worker_id="w").run_once()
    values = dict(
        line.rsplit(" ", 1)
        for line in render_metrics(local_engine).splitlines()
        if not line.startswith("#")
    )
    assert float(values["mpp_last_poll_duration_seconds"]) > 0
    assert float(values["mpp_last_deliver_duration_seconds"]) > 0
    assert float(values["mpp_last_successful_poll_timestamp_seconds"]) > 1.7e9
