"""Rendering every reply in every language, with hostile values, fallbacks and template checks."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from common.errors import TemplateError
from notifications.render import (
    KINDS,
    ReplyContext,
    check_templates,
    render_reply,
    reply_language,
)
from rules.model import Finding

LANGUAGES = ("en", "fr", "es")
FORM_MISSING = Finding(
    "FORM_MISSING", "error", "completeness", "We did not find the application form (Annex 1)."
)
SIGNATURE = Finding("SIGNATURE_MISSING", "error", "completeness", "Section 5 is not signed.")
TOO_SOON = Finding("REAPPLIED_TOO_SOON", "eligibility_error", "eligibility", "Too soon.")  # type: ignore[arg-type]
THIN = Finding("JUSTIFICATION_THIN", "warning", "completeness", "Section 2 is thin.")
OFFICER = Finding("NOT_COPIED_TO_OFFICER", "info", "completeness", "Not copied.")
HOSTILE_NA = '<script>alert("x")</script> & Autorité'

# What each language's replies must say for these findings.
SIGNATURE_FIX = {"en": "Section 5 is not signed.", "fr": "est pas signée", "es": "no está firmada"}
FORMS_ATTACHED = {"en": "are attached to this message", "fr": "sont joints", "es": "se adjuntan"}
REVIEW_MONTH = {"en": "June 2025", "fr": "juin 2025", "es": "junio de 2025"}


def context(language: str = "en", **changes: object) -> ReplyContext:
    ctx = ReplyContext(
        reference="MPP-2025-00042",
        national_authority=HOSTILE_NA,
        state_party="Comoros",
        contact_person="Mme Clarisse Sow",
        findings=(SIGNATURE, THIN, OFFICER),
        review_cycle="2025-Q2",
        received_at=datetime(2025, 4, 14, 11, 30, tzinfo=UTC),
        language=language,
    )
    return replace(ctx, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_in_every_language(kind: str, language: str) -> None:
    reply = render_reply(kind, context(language))
    assert "MPP-2025-00042" in reply.subject
    assert "\n" not in reply.subject and reply.subject == reply.subject.strip()
    for part in (reply.text, reply.html):
        assert "MPP-2025-00042" in part
        assert "ipb@opcw.org" in part and "solomon.haile@opcw.org" in part
    assert HOSTILE_NA in reply.text
    assert "&lt;script&gt;" in reply.html and "<script>" not in reply.html
    assert reply.html.lstrip().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("language", LANGUAGES)
def test_incomplete_notice_lists_each_error_with_its_fix(language: str) -> None:
    reply = render_reply("incomplete", context(language))
    for part in (reply.text, reply.html):
        assert SIGNATURE_FIX[language] in part
        assert REVIEW_MONTH[language] in part
        assert FORMS_ATTACHED[language] not in part
    assert "Not copied." not in reply.text  # info findings are for staff only


@pytest.mark.parametrize("language", LANGUAGES)
def test_form_missing_says_the_blank_forms_are_attached(language: str) -> None:
    reply = render_reply("incomplete", context(language, findings=(FORM_MISSING,)))
    assert FORMS_ATTACHED[language] in reply.text
    assert FORMS_ATTACHED[language] in reply.html


def test_ineligibility_notice_gives_the_reason_first() -> None:
    reasons = (SIGNATURE, replace(TOO_SOON, severity="error"))
    text = render_reply("ineligible", context(findings=reasons)).text
    assert text.index("1. Too soon.") < text.index("2. Section 5 is not signed.")


def test_english_finding_text_is_escaped_in_html() -> None:
    finding = Finding("STATE_PARTY_MISSING", "error", "completeness", 'Name "<b>x</b>" is odd.')
    html = render_reply("incomplete", context(findings=(finding,))).html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_line_breaks_in_values_do_not_reach_the_reply() -> None:
    reply = render_reply("acknowledgement", context(contact_person="Ms A\r\nBcc: evil@example.org"))
    assert "\nBcc: evil@example.org" not in reply.text
    assert "Ms A Bcc: evil@example.org" in reply.text


def test_missing_values_read_naturally() -> None:
    ctx = context(national_authority=None, state_party=None, contact_person=None, review_cycle=None)
    text = render_reply("acknowledgement", ctx).text
    assert "Dear Sir or Madam," in text and "None" not in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr-FR", "fr"), ("ES", "es"), (None, "en"), ("", "en"), ("../../etc", "en"), ("de", "de")],
)
def test_reply_language(language: str | None, expected: str) -> None:
    assert reply_language(language) == expected


@pytest.mark.parametrize("language", ["de", None, "../en", "zz-ZZ"])
def test_a_language_without_templates_falls_back_to_english(language: str | None) -> None:
    reply = render_reply("receipt", context(language=language))  # type: ignore[arg-type]
    assert reply.subject.startswith("Mentorship/Partnership Programme")
    assert "Dear Mme Clarisse Sow," in reply.text


def test_the_received_day_is_the_programme_day() -> None:
    late = datetime(2025, 3, 31, 22, 30, tzinfo=UTC)  # 1 April in Amsterdam
    assert "received on 1 April 2025" in render_reply("receipt", context(received_at=late)).text
    assert "reçu le 1er avril 2025" in render_reply("receipt", context("fr", received_at=late)).text


def test_staff_templates_override_single_files(tmp_path: Path) -> None:
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "receipt.subject.j2").write_text(
        "Accusé de réception {{ reference }} {{ national_authority }}\n", encoding="utf-8"
    )
    ctx = context("fr", national_authority="Autorité\r\nBcc: x@example.org")
    reply = render_reply("receipt", ctx, template_dir=tmp_path)
    assert reply.subject == "Accusé de réception MPP-2025-00042 Autorité Bcc: x@example.org"
    assert "Madame, Monsieur," in reply.text  # the packaged body is still used
    check_templates(tmp_path)


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(TemplateError, match="unknown reply kind"):
        render_reply("rejection", context())


def test_packaged_templates_pass_the_check() -> None:
    check_templates()


def test_a_missing_template_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="folder not found"):
        check_templates(tmp_path / "no-such-folder")


def broken_folder(tmp_path: Path, name: str, source: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("name", "source", "problem"),
    [
        ("en/incomplete.txt.j2", "Dear {{ contact_person \n", "incomplete.txt.j2"),
        ("fr/receipt.html.j2", "<p>{{ no_such_value }}</p>", "receipt.html.j2"),
        ("es/_texts.j2", "{% set fixes = { %}", "_texts.j2"),
        ("en/receipt.txt.j2", "{{ ''.__class__.__mro__ }}", "receipt.txt.j2"),
        ("en/ineligible.subject.j2", "{{ reference | no_such_filter }}", "ineligible.subject.j2"),
        ("en/acknowledgement.txt.j2", "{{ 1 / 0 }}", "acknowledgement.txt.j2"),
    ],
)
def test_check_templates_names_the_broken_file(
    tmp_path: Path, name: str, source: str, problem: str
) -> None:
    folder = broken_folder(tmp_path, name, source)
    with pytest.raises(TemplateError, match=problem.replace(".", r"\.")):
        check_templates(folder)


def test_a_broken_template_fails_rendering_with_a_template_error(tmp_path: Path) -> None:
    folder = broken_folder(tmp_path, "en/receipt.txt.j2", "{{ reference.__class__ }}")
    with pytest.raises(TemplateError):
        render_reply("receipt", context(), template_dir=folder)
