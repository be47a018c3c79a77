"""The alert and recovery emails staff receive (plain text, from the programme address)."""

from __future__ import annotations

import socket
from datetime import datetime
from email.utils import formataddr

from common.settings import Settings
from notifications.delivery import Transport
from notifications.message import build_reply, deterministic_message_id
from notifications.render import RenderedReply

SUBJECTS = {
    ("alert", "poll"): "mpp alert: the programme mailbox is not being read",
    ("alert", "deliver"): "mpp alert: replies are not being delivered",
    ("alert", "backlog"): "mpp alert: replies are piling up in the outbox",
    ("recovered", "poll"): "mpp recovered: the programme mailbox is read again",
    ("recovered", "deliver"): "mpp recovered: replies are delivered again",
    ("recovered", "backlog"): "mpp recovered: the outbox is back to normal",
}

ADVICE = (
    "What to do: run `mpp doctor` on the server; it checks the configuration, the database,\n"
    "the mailbox, the mail server and the storage, and says how to fix what is wrong.\n"
    "The staff web interface shows the same warning until the problem is over.\n"
)


def alert_text(text: str, since: datetime | None, *, kind: str) -> str:
    host = socket.gethostname()
    lines = [text, ""]
    if since is not None and kind == "alert":
        lines.append(f"Last known good: {since:%Y-%m-%d %H:%M} UTC.")
    lines.append(f"Server: {host}.")
    if kind == "alert":
        lines += ["", ADVICE.rstrip(), "", "You will get one more email when it works again."]
    return "\n".join(lines) + "\n"


def send_alert(
    settings: Settings,
    transport: Transport,
    name: str,
    text: str,
    since: datetime | None,
    *,
    kind: str,
) -> None:
    """Build and send one alert (``kind`` "alert") or recovery ("recovered") email."""
    cfg = settings.notifications
    domain = cfg.from_address.rpartition("@")[2] or "localhost"
    key = f"mpp-alert:{kind}:{name}:{since.isoformat() if since else ''}"
    message = build_reply(
        RenderedReply(SUBJECTS[(kind, name)], alert_text(text, since, kind=kind)),
        from_address=formataddr((cfg.from_name, cfg.from_address)),
        to=list(settings.alerts.to),
        message_id=deterministic_message_id(key, domain),
    )
    message.replace_header("Auto-Submitted", "auto-generated")
    transport.send(message, envelope_from=cfg.from_address, recipients=list(settings.alerts.to))
