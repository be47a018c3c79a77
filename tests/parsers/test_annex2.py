"""Annex 2: rows read by column header and area title, not by position."""

from __future__ import annotations

import docx

from parsers.annex2 import area_number
from tests.parsers import builders as b

FULL = ("Study visit", "Two staff trained", "Unit established", "Decree published")


def test_template_rows_with_content(parse):
    document = b.fill_annex2({1: FULL, 2: ("Workshop", "", "Law adopted", ""), 8: FULL})
    doc = parse("annex2.docx", b.to_bytes(document))
    assert doc.role == "results_framework"
    assert [a.number for a in doc.thematic_areas] == [1, 2, 8]
    second = doc.thematic_areas[1]
    assert second.outputs == "Workshop" and second.outcomes == "Law adopted"
    assert second.output_indicators is None and second.outcome_indicators is None
    assert "structure and functioning" in (doc.thematic_areas[0].title or "")
    assert "MANDATORY" not in (doc.thematic_areas[0].title or "")


def test_added_rows_have_no_number_and_keep_their_title(parse):
    document = b.fill_annex2({1: FULL}, added={"9. Laboratory capacity": FULL})
    doc = parse("annex2.docx", b.to_bytes(document))
    added = [a for a in doc.thematic_areas if a.number is None]
    assert len(added) == 1 and added[0].title == "9. Laboratory capacity"


def test_rows_reordered_and_removed_are_matched_by_title(parse):
    document = b.fill_annex2({1: FULL, 5: FULL, 7: FULL})
    table = document.tables[0]
    rows = table._tbl.findall(f"{{{b.W_NS}}}tr")
    rows[1].addprevious(rows[7])  # area 7 moved above area 1
    rows[3].getparent().remove(rows[3])  # area 3 removed
    doc = parse("annex2.docx", b.to_bytes(document))
    assert sorted(a.number for a in doc.thematic_areas) == [1, 5, 7]


def test_empty_framework_is_still_a_results_framework(parse):
    doc = parse("annex2.docx", b.to_bytes(b.blank("annex2-results-framework.docx")))
    assert doc.role == "results_framework"
    assert doc.thematic_areas == ()


def test_columns_are_matched_by_header_in_another_order_and_language(parse):
    document = docx.Document()
    document.add_paragraph("CADRE DE RÉSULTATS")
    table = document.add_table(rows=3, cols=5)
    header = ["DOMAINES THÉMATIQUES", "EFFETS", "INDICATEURS", "PRODUITS", "INDICATEURS"]
    rows = [
        [
            "OBLIGATOIRE 1. Structure et fonctionnement de l'Autorité nationale",
            "Comité créé",
            "",
            "Visite d'étude",
            "Rapport",
        ],
        ["8. Éducation et sensibilisation", "", "", "Séminaire", ""],
    ]
    for r, values in enumerate([header, *rows]):
        for c, text in enumerate(values):
            table.rows[r].cells[c].text = text
    doc = parse("cadre.docx", b.to_bytes(document))
    assert doc.role == "results_framework"
    first, eighth = doc.thematic_areas
    assert first.number == 1 and eighth.number == 8
    assert first.outcomes == "Comité créé" and first.outcome_indicators is None
    assert first.outputs == "Visite d'étude" and first.output_indicators == "Rapport"
    assert eighth.outputs == "Séminaire" and eighth.outcomes is None


def test_a_row_without_title_continues_the_row_above(parse):
    document = b.fill_annex2({8: ("Seminar", "", "", "")})
    row = document.tables[0].add_row()
    row.cells[2].text = "Number of participants"
    doc = parse("annex2.docx", b.to_bytes(document))
    (area,) = doc.thematic_areas
    assert area.number == 8 and area.output_indicators == "Number of participants"


def test_area_titles_in_three_languages():
    assert area_number("1. National Authority's structure and functioning") == 1
    assert area_number("Législation nationale de mise en œuvre") == 2
    assert area_number("Educación y divulgación") == 8
    assert area_number("7.") == 7
    assert area_number("Forensic laboratory capacity") is None
