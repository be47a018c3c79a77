"""``mpp demo``: the main job on the embedded defaults, over the bundled sample emails.

Maildir inbox, SQLite database, replies written as .eml files, all under one folder; then
the staff interface is served on it.
"""

from __future__ import annotations

import mailbox
import os
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cli.app import open_app
from common.passwords import hash_password
from db.export import export_applications
from db.models import StaffUser
from db.partnerships import import_partnerships_csv
from db.session import session_scope
from intake.worker import Worker

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
DEMO_USER, DEMO_PASSWORD = "staff", "demo-password"


def write_config(folder: Path) -> Path:
    config = folder / "config.toml"
    config.write_text(
        "\n".join(
            [
                "[database]",
                f'url = "sqlite:///{(folder / "mpp.db").resolve()}"',
                "[mailbox]",
                'source = "maildir"',
                f'path = "{(folder / "mail" / "inbox").resolve()}"',
                "[notifications]",
                'transport = "file"',
                f'outbox_dir = "{(folder / "outbox").resolve()}"',
                "[storage]",
                f'path = "{(folder / "data").resolve()}"',
                "",
            ]
        ),
        encoding="utf-8",
    )
    return config


def seed_inbox(inbox: Path) -> int:
    inbox.parent.mkdir(parents=True, exist_ok=True)
    box = mailbox.Maildir(inbox, create=True)
    count = 0
    for path in sorted(SAMPLES.glob("*.eml")):
        box.add(path.read_bytes())
        count += 1
    return count


def run_demo(folder: Path, *, serve_after: bool, port: int) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    fresh = not (folder / "mpp.db").exists()
    config = write_config(folder)
    app = open_app(str(config))
    if fresh:
        print(f"put {seed_inbox(Path(app.settings.mailbox.path))} sample emails in the inbox")
        with session_scope(app.engine) as session:
            import_partnerships_csv(
                session=session,
                text=(SAMPLES / "past-partnerships.csv").read_text(encoding="utf-8"),
                actor="demo",
            )
            session.add(
                StaffUser(
                    username=DEMO_USER, password_hash=hash_password(DEMO_PASSWORD), role="admin"
                )
            )
    poll, delivery = Worker(app.settings, app.engine, worker_id=f"demo:{os.getpid()}").run_once()
    print(
        f"processed {len(poll.results)} messages, wrote {len(delivery.sent)} replies "
        f"to {app.settings.notifications.outbox_dir}"
    )
    print_summary(app.engine)
    if serve_after:
        from web.server import serve

        print(
            f"staff interface: http://127.0.0.1:{port}/  (user {DEMO_USER!r}, "
            f"password {DEMO_PASSWORD!r})"
        )
        serve(app.settings, app.engine, host="127.0.0.1", port=port)
    return 0


def print_summary(engine: Engine) -> None:
    with Session(engine) as session:
        items = export_applications(session=session)
        users = session.exec(select(StaffUser)).all()
    print(f"\n{'reference':<16}{'status':<14}{'State Party':<26}reply")
    for item in items:
        replies = ", ".join(n["kind"] for n in item["notifications"]) or "-"
        party = (item["state_party"] or "-")[:24]
        print(f"{item['reference']:<16}{item['status']:<14}{party:<26}{replies}")
    print(f"\n{len(items)} applications; {len(users)} staff account(s)")
