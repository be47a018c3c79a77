"""Form language, document roles, and merging the documents of one message."""

from __future__ import annotations

import docx
import pytest

from parsers import merge_documents
from parsers.model import ExtractedDocument, FieldValue, ThematicArea
from tests.parsers import builders as b
from tests.parsers.conftest import value

FRENCH = [
    ("SECTION 1. RENSEIGNEMENTS PERSONNELS ET COORDONNÉES", ""),
    ("Autorité nationale", "Autorité nationale pour l'interdiction des armes chimiques"),
    ("(a) État partie", "Sénégal"),
    ("(b) Personne à contacter", "M. Abdou Diop"),
    ("Numéro de téléphone", "+221 33 889 12 34"),
    ("Adresse(s) électronique(s)", "a.diop@ancac.sn"),
    ("Mode de partenariat", "Offre de mentorat ☐   Recherche de mentorat ☒"),
    ("Parrainage requis", "Oui ☒   Non ☐"),
    (
        "SECTION 2. JUSTIFICATION ET ANALYSE DES BESOINS",
        "Notre Autorité nationale a été créée en 2001.",
    ),
    ("SECTION 5. AUTORISATION", ""),
    ("Date", "3 septembre 2025"),
]
SPANISH = [
    ("SECCIÓN 1. DATOS PERSONALES Y DE CONTACTO", ""),
    ("Autoridad Nacional", "Autoridad Nacional para la Prohibición de las Armas Químicas"),
    ("(a) Estado Parte", "Perú"),
    ("(b) Persona de contacto", "Sra. Lucía Quispe"),
    ("Correo(s) electrónico(s)", "lquispe@rree.gob.pe"),
    ("Modalidad de asociación", "Ofrece mentoría X   Solicita mentoría"),
    ("Se requiere patrocinio", "Sí   No X"),
    ("Fecha", "3 de septiembre de 2025"),
]


def _two_column_form(rows: list[tuple[str, str]]) -> bytes:
    document = docx.Document()
    table = document.add_table(rows=0, cols=2)
    for label, answer in rows:
        row = table.add_row()
        row.cells[0].text, row.cells[1].text = label, answer
    return b.to_bytes(document)


def test_french_form(parse):
    doc = parse("formulaire.docx", _two_column_form(FRENCH))
    assert doc.language == "fr" and doc.role == "application_form"
    assert value(doc, "state_party") == "Sénégal" and value(doc, "state_party_code") == "SEN"
    assert value(doc, "contact_person") == "M. Abdou Diop"
    assert value(doc, "emails") == ["a.diop@ancac.sn"]
    assert value(doc, "mode") == "seeking"
    assert value(doc, "sponsorship_required") is True
    assert value(doc, "signature_date") == "2025-09-03"


def test_spanish_form(parse):
    doc = parse("formulario.docx", _two_column_form(SPANISH))
    assert doc.language == "es"
    assert value(doc, "state_party_code") == "PER"
    assert value(doc, "mode") == "offering"
    assert value(doc, "sponsorship_required") is False
    assert value(doc, "signature_date") == "2025-09-03"


def test_prior_assessment_is_recognised_by_its_opening(parse):
    document = docx.Document()
    document.add_paragraph("National Authority of Mali")
    document.add_paragraph(
        "ASSESSMENT OF THE RESULTS ACHIEVED THROUGH PARTICIPATION IN THE "
        "MENTORSHIP/PARTNERSHIP PROGRAMME"
    )
    document.add_paragraph("From 2019 to 2020 our National Authority was a mentee.")
    assert parse("x.docx", b.to_bytes(document)).role == "prior_assessment"


def test_a_letter_mentioning_the_form_is_other(parse):
    document = docx.Document()
    document.add_paragraph("The Embassy presents its compliments to the Technical Secretariat.")
    document.add_paragraph(
        "The application form for the Mentorship/Partnership Programme and its "
        "annex will be sent separately by the National Authority."
    )
    assert parse("note.docx", b.to_bytes(document)).role == "other"


def _doc(name: str, role, **fields) -> ExtractedDocument:
    values = {k: FieldValue(v) for k, v in fields.items()}
    return ExtractedDocument(name, role, values, language="en")


def test_merge_keeps_the_fuller_form_and_notes_conflicts():
    full = _doc(
        "annex1.docx",
        "application_form",
        state_party="Kenya",
        contact_person="Ms A",
        mode="seeking",
        signed=True,
    )
    page = _doc("signature-page.pdf", "application_form", state_party="Uganda", signed=True)
    area = ThematicArea(1, "Structure", "x", None, "y", None)
    framework = ExtractedDocument("annex2.docx", "results_framework", thematic_areas=(area,))
    form = merge_documents([page, full, framework])
    assert form.fields["state_party"].value == "Kenya"
    assert form.has_application_form and form.has_results_framework
    assert not form.has_prior_assessment
    conflicts = [p for p in form.problems if p.field == "state_party"]
    assert conflicts and "signature-page.pdf" in conflicts[0].message
    assert form.thematic_areas == (area,)


def test_merge_completes_a_form_split_over_two_files():
    first = _doc("part1.docx", "application_form", state_party="Kenya", mode="seeking")
    second = _doc("part2.docx", "application_form", signed=True, signature_date="2025-03-12")
    form = merge_documents([first, second])
    assert form.fields["signed"].value is True
    assert form.fields["state_party"].value == "Kenya"
    assert form.problems == ()


@pytest.mark.parametrize("role", ["other", "prior_assessment"])
def test_merge_without_a_form(role):
    form = merge_documents([ExtractedDocument("x.pdf", role)])
    assert not form.has_application_form and form.fields == {}
    assert form.has_prior_assessment is (role == "prior_assessment")
