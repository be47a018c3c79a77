"""Many distinct application emails made from the sample emails.

Each copy gets its own Message-ID, sender address and State Party in the subject, so the
pipeline sees a new message from a new applicant; the attached forms are the sample's own.
"""

from __future__ import annotations

import csv
import email
import email.policy
import random
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from tests.pipeline.helpers import REPO, SAMPLES

STATES_PARTIES = REPO / "parsers" / "data" / "states_parties.csv"


@dataclass(frozen=True)
class Generated:
    message_id: str
    sender: str
    raw: bytes


def state_party_names() -> list[str]:
    with STATES_PARTIES.open(encoding="utf-8") as handle:
        return [row["name"] for row in csv.DictReader(handle)]


def vary(raw: bytes, *, index: int, state_party: str, seed: int) -> Generated:
    """A copy of ``raw`` that reads as a different applicant's email."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    domain = f"na{index}.example.org"
    sender = f"applicant{index}@{domain}"
    message_id = f"<fault-{seed}-{index}@{domain}>"
    for header, value in (
        ("Message-ID", message_id),
        ("From", f"National Authority of {state_party} <{sender}>"),
        ("Return-Path", f"<{sender}>"),
        ("Subject", f"{message.get('Subject', 'Application')} ({state_party})"),
    ):
        del message[header]
        message[header] = value
    return Generated(message_id, sender, message.as_bytes())


def generate(count: int, *, seed: int, samples: list[Path] | None = None) -> list[Generated]:
    """``count`` varied emails, cycling through the samples in a seeded random order."""
    rng = random.Random(seed)
    sources = [path.read_bytes() for path in samples or SAMPLES]
    names = state_party_names()
    order = [index % len(sources) for index in range(count)]
    rng.shuffle(order)
    return [
        vary(sources[which], index=index, state_party=rng.choice(names), seed=seed)
        for index, which in enumerate(order)
    ]
