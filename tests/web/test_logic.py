"""The plain parts of the web interface: matching, schedules, exports, field values, headers."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from db.export_tables import csv_text, flat_row, write_csv, xlsx_bytes
from db.models import Application
from db.models_staff import Partnership
from web.documents import disposition, sniff
from web.field_forms import BadValue, parse_value
from web.matching import framework_areas, match, offered_areas, regional_balance
from web.schedule import ScheduleError, add_months, earliest_first_visit, plan
from web.security import safe_next

NOW = datetime(2025, 5, 1, tzinfo=UTC)


def area(number: int | None, title: str = "", outputs: str = "x") -> dict:
    return {
        "number": number,
        "title": title,
        "outputs": outputs,
        "output_indicators": "",
        "outcomes": "",
        "outcome_indicators": "",
    }


def application(id: int, **values) -> Application:
    defaults = {
        "reference": f"MPP-2025-{id:05d}",
        "mail_message_id": 1,
        "status": "complete",
        "received_at": NOW,
    }
    return Application(id=id, **{**defaults, **values})


def test_framework_areas_count_rows_with_content_and_name_added_rows():
    rows = [area(1), area(2, outputs=""), area(None, "Customs and trade controls"), "junk"]
    assert framework_areas(rows) == {1, 7}


def test_mentors_are_ranked_by_the_areas_they_cover():
    mentee = application(
        1, mode="seeking", state_party_code="AAA", thematic_areas=[area(1), area(2), area(8)]
    )
    broad = application(
        2,
        mode="offering",
        state_party_code="BBB",
        justification="We offer legislation drafting, institutional structure "
        "and awareness-raising in education and outreach.",
    )
    narrow = application(
        3,
        mode="offering",
        state_party_code="CCC",
        justification="Our experience is in customs and import controls.",
    )
    same_country = application(
        4, mode="offering", state_party_code="AAA", justification="Legislation."
    )
    [result] = match([mentee], [narrow, broad, same_country])
    assert [m.mentor.id for m in result.mentors] == [2]
    assert result.mentors[0].covered == {1, 2, 8} and result.mentors[0].covers_all
    assert offered_areas(narrow) == {7}


def test_a_preferred_partner_is_listed_even_without_a_common_area():
    mentee = application(
        1,
        mode="seeking",
        thematic_areas=[area(1)],
        preferred_partner="We would like to work with Portugal.",
    )
    mentor = application(2, mode="offering", state_party="Portugal", justification="Customs.")
    [result] = match([mentee], [mentor])
    assert result.mentors[0].preferred and not result.mentors[0].covered


def test_regional_balance_counts_active_partnerships_only():
    rows = [
        Partnership(
            mentee_application_id=1,
            mentor_application_id=2,
            mentee_region="Africa",
            mentor_region="Asia",
            starts_on=date(2025, 9, 1),
            ends_on=date(2026, 8, 31),
            created_by="t",
        ),
        Partnership(
            mentee_application_id=3,
            mentor_application_id=2,
            mentee_region="Africa",
            mentor_region="Asia",
            starts_on=date(2025, 9, 1),
            ends_on=date(2026, 8, 31),
            created_by="t",
            status="cancelled",
        ),
    ]
    balance = {region: (mentees, mentors) for region, mentees, mentors in regional_balance(rows)}
    assert balance["Africa"] == (1, 0) and balance["Asia"] == (0, 1)
    assert balance["Eastern Europe"] == (0, 0)


def test_schedule_follows_paragraphs_4_and_5():
    schedule = plan(date(2025, 9, 15))
    first, second = schedule.visits
    assert second.planned_on == date(2025, 12, 15)
    assert first.communicate_by == date(2025, 7, 21)  # eight weeks ahead
    assert schedule.ends_on == date(2026, 9, 14)
    assert [(r.kind, r.due_on) for r in schedule.reports] == [
        ("interim", date(2025, 10, 15)),
        ("interim", date(2026, 1, 15)),
        ("final", date(2027, 3, 14)),
    ]


def test_schedule_refuses_visits_too_close_or_too_far_apart():
    with pytest.raises(ScheduleError, match="three months"):
        plan(date(2025, 9, 15), date(2025, 11, 1))
    with pytest.raises(ScheduleError, match="12 months"):
        plan(date(2025, 9, 15), date(2026, 10, 1))


def test_add_months_keeps_the_end_of_short_months():
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert earliest_first_visit(date(2025, 5, 1), date(2025, 6, 30)) == date(2025, 8, 25)


def export_item(**values) -> dict:
    item = {
        "reference": "MPP-2025-00001",
        "status": "complete",
        "received_at": "2025-05-01",
        "emails": ["a@example.org", "b@example.org"],
        "signed": True,
        "thematic_areas": [area(1, "Structure")],
        "documents": [],
        "findings": [{"code": "X", "severity": "warning", "message": "m"}],
        "notifications": [],
    }
    return {**item, **values}


def test_csv_neutralises_formulas_and_joins_lists():
    text = csv_text([export_item(state_party='=HYPERLINK("http://x")', contact_person="@me")])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["state_party"].startswith("'=")
    assert rows[0]["contact_person"] == "'@me"
    assert rows[0]["emails"] == "a@example.org; b@example.org"
    assert rows[0]["signed"] == "yes" and rows[0]["findings"] == "X (warning)"


def test_write_csv_to_a_file_and_stdout(tmp_path, capsys):
    write_csv([export_item()], tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8-sig").startswith("reference,")
    write_csv([export_item()], None)
    assert "MPP-2025-00001" in capsys.readouterr().out


def test_xlsx_keeps_formulas_as_text_and_drops_control_characters():
    data = xlsx_bytes([export_item(state_party="=1+1", national_authority="bad\x01char")])
    book = load_workbook(io.BytesIO(data))
    sheet = book["applications"]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert (
        row["state_party"] == "=1+1"
        and sheet.cell(2, header.index("state_party") + 1).data_type == "s"
    )
    assert row["national_authority"] == "badchar"
    assert book["thematic_areas"]["B2"].value == "1"
    assert book["findings"]["B2"].value == "X"
    assert flat_row(export_item())["thematic_areas"] == "Structure"


@pytest.mark.parametrize(
    ("field", "raw", "expected"),
    [
        ("emails", "a@x.org; b@y.org,c@z.org", ["a@x.org", "b@y.org", "c@z.org"]),
        ("emails", "  ", []),
        ("mode", "seeking", "seeking"),
        ("mode", "", None),
        ("signed", "no", False),
        ("signature_date", "2025-03-04", date(2025, 3, 4)),
        ("justification", "  text  ", "text"),
    ],
)
def test_submitted_values_are_typed(field, raw, expected):
    assert parse_value(field, raw) == expected


@pytest.mark.parametrize(
    ("field", "raw"),
    [("mode", "both"), ("signed", "maybe"), ("signature_date", "4 March"), ("reference", "x")],
)
def test_bad_values_are_refused(field, raw):
    with pytest.raises(BadValue):
        parse_value(field, raw)


def test_redirects_after_sign_in_stay_on_the_site():
    assert safe_next("/applications/MPP-1?x=1") == "/applications/MPP-1?x=1"
    for target in ("//evil.example", "https://evil.example", "/\\evil", "", None):
        assert safe_next(target) == "/"


def test_download_names_are_safe_and_keep_unicode():
    header = disposition("attachment", 'Formulaire "annexe" 1/é\r\n.pdf')
    assert header.startswith('attachment; filename="Formulaire _annexe_ 1__.pdf"')
    assert "filename*=UTF-8''Formulaire%20_annexe_%201_%C3%A9.pdf" in header
    assert "\r" not in header and "\n" not in header


def test_only_pdfs_and_pictures_are_shown_inline():
    assert sniff(b"%PDF-1.7 ...") == "application/pdf"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff(b"PK\x03\x04 docx") is None
    assert sniff(b"<svg onload=alert(1)>") is None
