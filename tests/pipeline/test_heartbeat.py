"""Two workers starting together both write the first heartbeat: neither loses it."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session

from db.models import WorkerHeartbeat
from db.session import make_engine, migrate
from intake.worker import Worker
from tests.pipeline.helpers import make_settings, rows


@pytest.mark.postgres
def test_a_heartbeat_row_made_meanwhile_by_another_worker_is_updated(tmp_path, postgres_url):
    engine = make_engine(postgres_url)
    migrate(engine)
    worker = Worker(make_settings(tmp_path, postgres_url), engine, worker_id="second")
    with Session(engine) as other:  # the first worker has added the row, not yet committed
        other.add(WorkerHeartbeat(name="poll"))
        other.flush()
        writing = threading.Thread(target=worker._heartbeat, args=("poll", None, 1.5))
        writing.start()  # finds no row, so its INSERT waits for the other transaction
        writing.join(timeout=1)
        assert writing.is_alive()
        other.commit()
    writing.join(timeout=10)
    (beat,) = rows(engine, WorkerHeartbeat)
    assert beat.last_success_at is not None and beat.last_duration_seconds == 1.5
    engine.dispose()
