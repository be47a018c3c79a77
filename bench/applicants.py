"""Made-up applicants for the benchmark corpus: one seeded random draw per message.

Every answer varies (State Party, names, contact details, mode and sponsorship, tick
style, lengths of the free-text answers, rows of the results framework), so the parsers
meet many layouts of content rather than one document repeated.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rules.text import MONTH_NAMES

STATES_CSV = Path(__file__).resolve().parent.parent / "parsers" / "data" / "states_parties.csv"
FIRST_NAMES = (
    "Amina Carlos Dmitri Elena Farid Grace Hiroshi Ines Jamal Kofi Leila Mateo Nadia Olga "
    "Pablo Quynh Rania Samuel Tariq Ursula Viktor Wanjiru Xavier Yasmin Zeynep"
)
LAST_NAMES = (
    "Abebe Banda Chen Dubois Escobar Fischer Garcia Haddad Ivanova Jensen Kamara Lopez "
    "Mensah Novak Okafor Petrov Quispe Rossi Santos Tanaka Umarov Vargas Wojcik Yilmaz"
)
TITLES = ("Mr", "Ms", "Dr", "Mrs", "Prof.")
TICK_STYLES = ("cc", "cc", "cc", "legacy", "glyph:☒", "glyph:☑", "wingdings")
SENTENCES = (
    "Our National Authority was designated in {year} and coordinates {n} ministries.",
    "It has only {n} officers, who also handle customs and export controls.",
    "A needs assessment found gaps in implementing legislation and declarations.",
    "The national action plan for chemical safety and security is still a draft.",
    "Customs officers need training on scheduled chemicals and transfer controls.",
    "We wish to learn how an experienced authority runs its industry inspections.",
    "Outreach to universities and chemical industry associations remains limited.",
    "A mentor would help us set up a national database of declarable facilities.",
    "We already cooperate with neighbouring States Parties in regional exercises.",
    "Our legal advisers have prepared a first draft of the penal provisions.",
    "The authority reports to the Ministry of Foreign Affairs and meets quarterly.",
    "Emergency response agencies asked for help with assistance and protection.",
)
AREA_VALUES = (
    "Study visit",
    "Workshop held",
    "Draft law",
    "Officers trained",
    "Database set up",
    "Guidelines adopted",
    "Seminar",
    "Declarations filed on time",
)


@dataclass(frozen=True)
class StateParty:
    name: str
    code: str


@dataclass(frozen=True)
class Applicant:
    """The answers of one application, and how its forms are made."""

    state: StateParty
    authority: str
    contact: str
    phone: str
    emails: tuple[str, ...]
    mode: str  # "seeking" or "offering"
    sponsorship: bool
    justification: str
    partner: str
    timeline: str
    results: str
    sign_date: str
    areas: dict[int, tuple[str, str, str, str]]
    tick_style: str
    form_format: str  # "docx" or "pdf"
    docx_picture_bytes: int  # a picture inside the .docx form, for size (0: none)


@cache
def states() -> tuple[StateParty, ...]:
    with STATES_CSV.open(encoding="utf-8") as handle:
        return tuple(StateParty(row["name"], row["code"]) for row in csv.DictReader(handle))


def draw_applicant(rng: random.Random, *, pdf_share: float) -> Applicant:
    """One applicant; ``pdf_share`` of them send the application form as a PDF."""
    state = rng.choice(states())
    first, last = rng.choice(FIRST_NAMES.split()), rng.choice(LAST_NAMES.split())
    domain = f"na-{state.code.lower()}.example.org"
    emails = [f"{first}.{last}@{domain}".lower()]
    if rng.random() < 0.4:
        emails.append(f"info@{domain}")
    return Applicant(
        state=state,
        authority=f"National Authority for the Chemical Weapons Convention of {state.name}",
        contact=f"{rng.choice(TITLES)} {first} {last}",
        phone=f"+{rng.randint(20, 998)} {rng.randint(10, 99)} {rng.randint(100, 999)} "
        f"{rng.randint(1000, 9999)}",
        emails=tuple(emails),
        mode=rng.choice(("seeking", "seeking", "offering")),
        sponsorship=rng.random() < 0.6,
        justification=_paragraph(rng, rng.randint(3, 16)),
        partner=f"The National Authority of {rng.choice(states()).name}.",
        timeline=f"We suggest {rng.choice(MONTH_NAMES)} 2026 for the first visit.",
        results=_paragraph(rng, rng.randint(1, 5)),
        sign_date=f"{rng.randint(1, 28)} {rng.choice(MONTH_NAMES[:6])} 2025",
        areas=_areas(rng),
        tick_style=rng.choice(TICK_STYLES),
        form_format="pdf" if rng.random() < pdf_share else "docx",
        docx_picture_bytes=rng.randint(20_000, 800_000) if rng.random() < 0.25 else 0,
    )


def _paragraph(rng: random.Random, sentences: int) -> str:
    chosen = [rng.choice(SENTENCES) for _ in range(sentences)]
    return " ".join(s.format(year=rng.randint(1997, 2015), n=rng.randint(2, 12)) for s in chosen)


def _areas(rng: random.Random) -> dict[int, tuple[str, str, str, str]]:
    numbers = sorted(rng.sample(range(1, 9), rng.randint(1, 5)))
    return {n: tuple(rng.choice(AREA_VALUES) for _ in range(4)) for n in numbers}  # type: ignore[misc]
