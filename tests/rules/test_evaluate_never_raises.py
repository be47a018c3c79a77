"""Whatever the forms say, evaluate() decides a status and never raises."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.model import ThematicArea
from rules.decide import evaluate
from rules.model import ApplicationFacts, EarlierApplication, PastPartnership, RuleContext
from rules.visit_dates import earliest_visit_date

ZONES = st.sampled_from([UTC, ZoneInfo("Pacific/Kiritimati"), ZoneInfo("America/Adak")])
MOMENTS = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=ZONES
)
TEXT = st.one_of(st.none(), st.text(max_size=120))
DATE_WORDS = st.sampled_from(
    [
        "2025",
        "2026",
        "Q3",
        "mid",
        "late",
        "may",
        "15",
        "31/02/2026",
        "novembre",
        "de",
        "early",
        "second",
        "half",
        "trimestre",
        "next year",
        "09/2026",
        "1er",
        "T4",
    ]
)
TIMELINES = st.one_of(TEXT, st.lists(DATE_WORDS, max_size=8).map(" ".join))
CODES = st.sampled_from(["BGR", "bgr", "MNG", "", " "])
ODD = st.one_of(st.integers(), st.lists(st.text(max_size=10), max_size=3), st.booleans())

AREAS = st.builds(
    ThematicArea,
    number=st.one_of(st.none(), st.integers(-3, 12)),
    title=TEXT,
    outputs=TEXT,
    output_indicators=TEXT,
    outcomes=TEXT,
    outcome_indicators=TEXT,
)
FACTS = st.builds(
    ApplicationFacts,
    received_at=MOMENTS,
    sender=st.text(max_size=40),
    recipients=st.lists(st.text(max_size=40), max_size=3).map(tuple),
    has_attachments=st.booleans(),
    has_application_form=st.booleans(),
    has_results_framework=st.booleans(),
    has_prior_assessment=st.booleans(),
    unrecognised_attachments=st.booleans(),
    state_party=st.one_of(TEXT, ODD),
    state_party_code=st.one_of(st.none(), CODES),
    national_authority=TEXT,
    contact_person=st.one_of(TEXT, ODD),
    phone=st.one_of(TEXT, ODD),
    emails=st.one_of(st.lists(st.text(max_size=30), max_size=3).map(tuple), st.text(max_size=30)),
    mode=st.one_of(st.none(), st.sampled_from(["offering", "seeking"]), st.text(max_size=8)),
    mode_ticks=st.one_of(st.lists(st.text(max_size=20), max_size=3).map(tuple), ODD),
    sponsorship_required=st.one_of(st.none(), st.booleans(), st.text(max_size=5)),
    justification=st.one_of(TEXT, ODD),
    preferred_partner=TEXT,
    first_visit_timeline=TIMELINES,
    expected_results=TEXT,
    signed=st.one_of(st.none(), st.booleans(), st.text(max_size=5)),
    signature_date=st.one_of(st.none(), st.dates(), st.text(max_size=10)),
    thematic_areas=st.lists(AREAS, max_size=5).map(tuple),
    low_confidence_fields=st.lists(st.text(max_size=12), max_size=3).map(tuple),
    parser_failed=st.booleans(),
    doubtful_documents=st.lists(st.text(max_size=30), max_size=2).map(tuple),
    review_cycle=st.one_of(TEXT, st.from_regex(r"\d{4}-Q[0-5]", fullmatch=True)),
)
CONTEXTS = st.builds(
    RuleContext,
    past_partnerships=st.lists(
        st.builds(
            PastPartnership,
            state_party_code=CODES,
            role=st.sampled_from(["mentee", "mentor"]),
            completed_on=st.dates(),
        ),
        max_size=3,
    ).map(tuple),
    earlier_applications=st.lists(
        st.builds(
            EarlierApplication,
            reference=st.text(max_size=20),
            received_at=st.one_of(MOMENTS, st.datetimes()),
            status=st.sampled_from(["incomplete", "complete", "superseded"]),
        ),
        max_size=3,
    ).map(tuple),
    reapply_after_years=st.integers(0, 10),
    visit_notice_weeks=st.integers(0, 52),
    justification_min_words=st.integers(0, 100),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FACTS, CONTEXTS)
def test_evaluate_always_decides(facts: ApplicationFacts, ctx: RuleContext) -> None:
    decision = evaluate(facts, ctx)
    assert decision.status in {"complete", "incomplete", "ineligible", "needs_review"}
    assert not any("could not be checked" in reason for reason in decision.reasons)
    assert decision.reasons
    for finding in decision.findings:
        assert finding.message.strip()


@settings(max_examples=300, deadline=None)
@given(TIMELINES, st.dates())
def test_timeline_reading_never_raises(text: str | None, received_on: date) -> None:
    earliest = earliest_visit_date(text, received_on=received_on)
    assert earliest is None or isinstance(earliest, date)
