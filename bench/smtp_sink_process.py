"""The benchmarks' SMTP server (aiosmtpd), in a process of its own like a real SMTP server, so
that its work is neither counted as the worker's nor competes with it for the GIL. Started by
``bench.servers.smtp_sink``, not by hand:

    python -m bench.smtp_sink_process --port PORT [--host HOST]

The process started prints the process id of the server and exits at once, leaving the server
a child of init rather than of the benchmark, whose process tree (``bench.memory``) it would
otherwise join. The server answers every message "250 Message accepted for delivery" and
prints one JSON line for it (received_at: ``time.monotonic()`` when DATA ended, recipients,
in_reply_to); it stops on SIGTERM, or when its stdin ends (the benchmark is gone).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def in_reply_to(content: bytes) -> str:
    """The In-Reply-To header of a raw message ("" without one); only the header part is read."""
    head = content.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    return next(
        (
            line.split(":", 1)[1].strip()
            for line in head.splitlines()
            if line.lower().startswith("in-reply-to:")
        ),
        "",
    )


class Handler:
    """Accepts every message and reports it on stdout."""

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        received_at = time.monotonic()
        content = envelope.original_content or b""
        record = {
            "received_at": received_at,
            "recipients": list(envelope.rcpt_tos),
            "in_reply_to": in_reply_to(content),
        }
        print(json.dumps(record), flush=True)
        return "250 Message accepted for delivery"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the benchmark stops it on Ctrl-C
    server_pid = os.fork()  # no thread runs yet
    if server_pid:
        os.write(sys.stdout.fileno(), f"{server_pid}\n".encode())
        os._exit(0)
    controller = Controller(Handler(), hostname=args.host, port=args.port)
    controller.start()
    try:
        sys.stdin.read()  # nothing is sent: returns when the benchmark closes it or ends
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
